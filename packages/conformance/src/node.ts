/**
 * @dendrite/conformance/node — the suite with the fixtures the package ships (PyTorch goldens and the
 * ONNX node tests) as the default, and fixture folders on disk.
 */
import type { BackendSpec } from './backend-under-test.js';
import { builtInSources } from './fixtures/folder-source.js';
import type { FixtureSource } from './fixtures/sources.js';
import { type ConformanceOptions, runConformance as runWith, type TestApi } from './run-conformance.js';
import { type RunOptions, runSuite as runSuiteWith, type SuiteReport } from './run-suite.js';

export { builtInSources, folderSource } from './fixtures/folder-source.js';
export * from './index.js';

type WithDefaultFixtures<T> = Omit<T, 'fixtures'> & { readonly fixtures?: readonly FixtureSource[] };

/** The whole suite on `backend` as vitest tests; fixtures default to the built-in folders. */
export function runConformance(
  backend: BackendSpec,
  t: TestApi,
  options: WithDefaultFixtures<ConformanceOptions> = {},
): Promise<void> {
  return runWith(backend, t, { ...options, fixtures: options.fixtures ?? builtInSources() });
}

/** The whole suite on `backend`, outside a test framework; fixtures default to the built-in folders. */
export function runSuite(
  backend: BackendSpec,
  options: WithDefaultFixtures<RunOptions> = {},
): Promise<SuiteReport> {
  return runSuiteWith(backend, { ...options, fixtures: options.fixtures ?? builtInSources() });
}
