/**
 * Expected failures: a backend declares, once, the cases it cannot pass and why. The suite verifies the
 * declaration: an expected failure that passes is reported as `xpass`, which fails the run, so a fixed
 * case cannot stay hidden behind an old excuse.
 */
import type { CaseResult } from '@dendrite/core/conformance';

/** Case name (exact, or a prefix ending in `*`) -> why the backend is expected to fail it. */
export type ExpectedFailures = Readonly<Record<string, string>>;

export function expectedFailureFor(name: string, table: ExpectedFailures = {}): string | undefined {
  for (const [pattern, reason] of Object.entries(table)) {
    if (pattern === name || (pattern.endsWith('*') && name.startsWith(pattern.slice(0, -1)))) return reason;
  }
  return undefined;
}

/** Turns a raw pass/fail into pass/fail/xfail/xpass given the expected-failure table. */
export function applyExpectation(r: CaseResult, table: ExpectedFailures = {}): CaseResult {
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

/** Whether a judged result lets the run pass. */
export function isAcceptable(r: CaseResult): boolean {
  return r.status === 'pass' || r.status === 'xfail' || r.status === 'unsupported';
}
