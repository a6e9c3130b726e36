/**
 * `runConformance(factory, { describe, it, expect })`: one line in a backend's test file runs every
 * fixture case on that backend as its own test. Expected failures are declared with a reason and are
 * verified: one that passes fails the run as `xpass`. Unsupported cases are listed as tests too, so
 * nothing is skipped silently.
 */
import type { BackendFactory } from '../backend.js';
import { registerBackend, removeBackend, setBackend } from '../registry.js';
import { GRADIENT_SPECS, resetGradientInputs } from './gradient-specs.js';
import { loadFixtureFolder } from './load-fixtures.js';
import { OP_SPECS } from './op-specs.js';
import { runGradientCase } from './run-gradient-case.js';
import { runOnnxCase } from './run-onnx-case.js';
import { runSpecCase } from './run-spec-case.js';
import { runTorchCase } from './run-torch-case.js';
import type { CaseResult } from './schema.js';

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
  /** Fixture folders to run (each in either schema). */
  readonly fixtures: readonly string[];
  /** Only cases whose file (e.g. `conv.json`) is listed; default all. */
  readonly files?: readonly string[];
  /** Case name (exact, or a prefix ending in `*`) -> why this backend is expected to fail it. */
  readonly expectedFailures?: Readonly<Record<string, string>>;
  /** Run the built-in op-spec table too (default true). */
  readonly specs?: boolean;
  /** Name to register the backend under while the suite runs (default: `conformance-<n>`). */
  readonly backendName?: string;
}

let counter = 0;

export function expectedFailureFor(
  name: string,
  table: Readonly<Record<string, string>> = {},
): string | undefined {
  for (const [pattern, reason] of Object.entries(table)) {
    if (pattern === name || (pattern.endsWith('*') && name.startsWith(pattern.slice(0, -1)))) return reason;
  }
  return undefined;
}

/** Turns a raw pass/fail into pass/fail/xfail/xpass given the expected-failure table. */
export function applyExpectation(r: CaseResult, table: Readonly<Record<string, string>> = {}): CaseResult {
  const expected = expectedFailureFor(r.name, table);
  if (!expected || r.status === 'unsupported') return r;
  if (r.status === 'fail') return { ...r, status: 'xfail', reason: `${expected} (got: ${r.reason})` };
  if (r.status === 'pass')
    return {
      ...r,
      status: 'xpass',
      reason: `expected to fail (${expected}) but passed: remove it from the list`,
    };
  return r;
}

export function runConformance(factory: BackendFactory, t: TestApi, options: ConformanceOptions): void {
  const name = options.backendName ?? `conformance-${++counter}`;
  const files = options.fixtures.flatMap((dir) => loadFixtureFolder(dir));
  t.describe(`conformance on backend '${name}'`, () => {
    t.beforeAll(async () => {
      registerBackend(name, factory, -1);
      await setBackend(name);
    });
    t.afterAll(() => removeBackend(name));
    if (options.specs !== false) {
      t.describe('op specs (float64 references, edge shapes, finite differences)', () => {
        for (const spec of OP_SPECS) {
          t.it(spec.name, async () => {
            const r = applyExpectation(await runSpecCase(spec), options.expectedFailures);
            t.expect(r.status === 'pass' || r.status === 'xfail', `${r.status}: ${r.reason ?? ''}`).toBe(
              true,
            );
          });
        }
      });
      t.describe('finite-difference gradient checks of every differentiable op', () => {
        t.beforeAll(() => resetGradientInputs());
        for (const spec of GRADIENT_SPECS) {
          t.it(spec[0], async () => {
            const r = applyExpectation(await runGradientCase(spec), options.expectedFailures);
            t.expect(r.status === 'pass' || r.status === 'xfail', `${r.status}: ${r.reason ?? ''}`).toBe(
              true,
            );
          });
        }
      });
    }
    for (const file of files) {
      const fileName = file.source.split(':')[1];
      if (options.files && !options.files.includes(fileName)) continue;
      const judge = (r: CaseResult, context: { skip?: (note?: string) => void }) => {
        const judged = applyExpectation(r, options.expectedFailures);
        // Unsupported cases (a dtype Dendrite lacks, an op with no mapping) show up as skipped, with why.
        if (judged.status === 'unsupported' && context.skip)
          return context.skip(`unsupported: ${judged.reason}`);
        const ok = judged.status === 'pass' || judged.status === 'xfail';
        t.expect(ok, `${judged.status}: ${judged.reason ?? ''}`).toBe(true);
      };
      t.describe(file.source, () => {
        for (const c of file.torch)
          t.it(c.name, async (context) => judge(await runTorchCase(c, file.source), context));
        for (const c of file.onnx)
          t.it(c.name, async (context) => judge(await runOnnxCase(c, file.source), context));
      });
    }
  });
}
