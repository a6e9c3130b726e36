/** Runs one finite-difference gradient spec on the current backend, with a leak check. */
import { dispose } from '../memory.js';
import { checkGradients } from './gradcheck.js';
import type { GradientSpec } from './gradient-specs.js';
import { runCheckedCase } from './run-checked-case.js';
import type { CaseResult } from './schema.js';

export function runGradientCase([name, f, make]: GradientSpec): Promise<CaseResult> {
  return runCheckedCase({ source: 'gradcheck', name, op: name.split(' ')[0] }, async (errors) => {
    const xs = make();
    try {
      const r = await checkGradients(f, xs);
      errors.maxAbsErr = r.maxAbsErr;
      errors.maxRelErr = r.maxRelErr;
      if (!r.ok) throw new Error(`gradient (finite differences): ${r.reason}`);
    } finally {
      dispose(xs);
    }
  });
}
