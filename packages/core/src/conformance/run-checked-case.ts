/**
 * The frame of a conformance case: run its body, fail the case with whatever the body throws or, when it
 * throws nothing, with any tensors or backend bytes it left held; report the errors the body recorded.
 */
import { memory } from '../memory.js';
import { leakSince } from './leak-since.js';
import type { CaseResult } from './schema.js';

/** The errors a case's value comparisons report, which its body sets as it compares. */
export interface CaseErrors {
  maxAbsErr: number;
  maxRelErr: number;
}

export async function runCheckedCase(
  base: Pick<CaseResult, 'source' | 'name' | 'op'>,
  body: (errors: CaseErrors) => Promise<void>,
): Promise<CaseResult> {
  const errors: CaseErrors = { maxAbsErr: 0, maxRelErr: 0 };
  const before = memory();
  let failure: string | undefined;
  try {
    await body(errors);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  if (!failure) failure = leakSince(before, 'the case');
  const { maxAbsErr, maxRelErr } = errors;
  return failure
    ? { ...base, status: 'fail', maxAbsErr, maxRelErr, reason: failure }
    : { ...base, status: 'pass', maxAbsErr, maxRelErr };
}
