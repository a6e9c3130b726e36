/**
 * Runs the whole suite on one backend outside a test framework (the command-line runner, a browser page)
 * and returns every judged result with the totals.
 */
import { setBackend } from '@dendrite/core';
import type { CaseResult, CaseTotals } from '@dendrite/core/conformance';
import { type BackendSpec, prepareBackend } from './backend-under-test.js';
import { applyExpectation, type ExpectedFailures } from './expectations.js';
import type { FixtureSource } from './fixtures/sources.js';
import { buildSuite } from './suite.js';

export interface RunOptions {
  readonly fixtures: readonly FixtureSource[];
  /** Run the op specs, gradient checks and fused-kernel checks too (default true). */
  readonly builtIn?: boolean;
  readonly expectedFailures?: ExpectedFailures;
  /** Name to register a factory under (default `conformance-<n>`). */
  readonly backendName?: string;
  /** Hide every optional kernel, so core's defaults are judged. */
  readonly withoutOptionalKernels?: boolean;
  /** Called with every judged result as it comes. */
  readonly onCase?: (result: CaseResult, group: string) => void;
}

export interface SuiteReport {
  readonly backend: string;
  readonly totals: CaseTotals;
  readonly cases: CaseResult[];
}

export function totalsOf(cases: readonly CaseResult[]): CaseTotals {
  const t: CaseTotals = { pass: 0, fail: 0, xfail: 0, xpass: 0, unsupported: 0 };
  for (const c of cases) t[c.status]++;
  return t;
}

export async function runSuite(spec: BackendSpec, options: RunOptions): Promise<SuiteReport> {
  const under = await prepareBackend(spec, options);
  const cases: CaseResult[] = [];
  try {
    await setBackend(under.name);
    for (const group of await buildSuite(under.backend, options)) {
      group.before?.();
      for (const c of group.cases) {
        const judged = applyExpectation(await c.run(), options.expectedFailures);
        cases.push(judged);
        options.onCase?.(judged, group.name);
      }
    }
  } finally {
    under.release();
  }
  return { backend: under.name, totals: totalsOf(cases), cases };
}
