/**
 * `await runConformance(backend, vitest)`: one line in a backend's test file runs the whole suite, every
 * case as its own test. Unsupported cases (a dtype Dendrite lacks) show up as skipped with their reason;
 * expected failures are declared once, with reasons, and verified (`xpass` fails the run).
 */
import { setBackend } from '@dendrite/core';
import { type BackendSpec, prepareBackend } from './backend-under-test.js';
import { applyExpectation, type ExpectedFailures } from './expectations.js';
import type { FixtureSource } from './fixtures/sources.js';
import { buildSuite } from './suite.js';

/** The subset of vitest / jest that the suite needs. */
export interface TestApi {
  describe: (name: string, fn: () => void) => void;
  /** vitest passes a context whose `skip(note)` marks the test skipped with a reason. */
  it: (
    name: string,
    fn: (context: { skip?: (note?: string) => void }) => Promise<void>,
    timeout?: number,
  ) => void;
  beforeAll: (fn: () => Promise<void> | void) => void;
  afterAll: (fn: () => Promise<void> | void) => void;
  expect: (value: unknown, message?: string) => { toBe: (v: unknown) => void };
}

export interface ConformanceOptions {
  readonly fixtures: readonly FixtureSource[];
  readonly builtIn?: boolean;
  readonly expectedFailures?: ExpectedFailures;
  readonly backendName?: string;
  readonly withoutOptionalKernels?: boolean;
  /** Per-case timeout in ms (slow software adapters). */
  readonly timeout?: number;
}

export async function runConformance(
  spec: BackendSpec,
  t: TestApi,
  options: ConformanceOptions,
): Promise<void> {
  // The backend is made now, while tests are collected, so the cases can follow what it overrides.
  const under = await prepareBackend(spec, options);
  const groups = await buildSuite(under.backend, options);
  t.describe(`conformance on backend '${under.name}'`, () => {
    t.beforeAll(async () => {
      await setBackend(under.name);
    });
    t.afterAll(() => under.release());
    for (const group of groups) {
      if (group.cases.length === 0) continue;
      t.describe(group.name, () => {
        if (group.before) t.beforeAll(group.before);
        for (const c of group.cases) {
          t.it(
            c.name,
            async (context) => {
              const judged = applyExpectation(await c.run(), options.expectedFailures);
              if (judged.status === 'unsupported' && context.skip) {
                return context.skip(`unsupported: ${judged.reason}`);
              }
              const ok = judged.status === 'pass' || judged.status === 'xfail';
              t.expect(ok, `${judged.status}: ${judged.reason ?? ''}`).toBe(true);
            },
            options.timeout,
          );
        }
      });
    }
  });
}
