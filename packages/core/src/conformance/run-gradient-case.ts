/** Runs one finite-difference gradient spec on the current backend, with a leak check. */
import { dispose, memory } from '../memory.js';
import { checkGradients } from './gradcheck.js';
import type { GradientSpec } from './gradient-specs.js';
import type { CaseResult } from './schema.js';

export async function runGradientCase([name, f, make]: GradientSpec): Promise<CaseResult> {
  const base = { source: 'gradcheck', name, op: name.split(' ')[0] };
  const before = memory();
  let failure: string | undefined;
  let maxAbsErr = 0;
  let maxRelErr = 0;
  try {
    const xs = make();
    try {
      const r = await checkGradients(f, xs);
      maxAbsErr = r.maxAbsErr;
      maxRelErr = r.maxRelErr;
      if (!r.ok) failure = `gradient (finite differences): ${r.reason}`;
    } finally {
      dispose(xs);
    }
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  const after = memory();
  if (!failure && (after.tensors !== before.tensors || after.bytes !== before.bytes)) {
    failure = `leak: ${after.tensors - before.tensors} tensors, ${after.bytes - before.bytes} bytes still held after the case`;
  }
  return failure
    ? { ...base, status: 'fail', maxAbsErr, maxRelErr, reason: failure }
    : { ...base, status: 'pass', maxAbsErr, maxRelErr };
}
