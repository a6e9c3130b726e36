/**
 * Finite-difference gradient check: compares autograd's gradient of `L = sum(f(xs) * r)` (r a fixed
 * random projection) with central differences `(L(x + h) - L(x - h)) / 2h`, element by element. The
 * function runs on the current backend in float32, so the tolerance is loose by design (1e-2); it
 * catches wrong formulas, not rounding.
 */
import { valueAndGrad } from '../autograd/functional.js';
import { noGrad } from '../autograd/grad-mode.js';
import { dispose, tidy } from '../memory.js';
import { mul } from '../ops/arithmetic.js';
import { tensor } from '../ops/creation.js';
import { sum } from '../ops/reduce.js';
import { Rng } from '../random.js';
import type { Tensor } from '../tensor.js';
import { compareValues } from './compare.js';
import type { Tolerance } from './schema.js';

export interface GradCheckResult {
  readonly ok: boolean;
  readonly maxAbsErr: number;
  readonly maxRelErr: number;
  /** Which argument and element disagreed first. */
  readonly reason?: string;
}

export interface GradCheckOptions {
  readonly eps?: number;
  readonly tolerance?: Tolerance;
  readonly seed?: number;
}

export async function checkGradients(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  options: GradCheckOptions = {},
): Promise<GradCheckResult> {
  const eps = options.eps ?? 1e-2;
  const tol = options.tolerance ?? { rtol: 2e-2, atol: 2e-3 };
  const values = await Promise.all(xs.map(async (x) => Float32Array.from(await x.data())));
  const probe = tidy(() => noGrad(() => f(...xs)));
  const r = new Rng(options.seed ?? 7).uniform(probe.shape, -1, 1);
  probe.dispose();
  const objective = (...args: Tensor[]) => sum(mul(f(...args), r));
  try {
    const { value, grads } = valueAndGrad(objective)(...xs);
    value.dispose();
    const analytic = await Promise.all(grads.map(async (g) => Array.from(await g.data())));
    dispose(grads);
    const evalAt = async (k: number, i: number, delta: number): Promise<number> => {
      const v = values[k].slice();
      v[i] += delta;
      const result = tidy(() => {
        const args = xs.map((x, j) => (j === k ? tensor(v, x.shape) : x));
        return noGrad(() => objective(...args));
      });
      const out = (await result.data())[0];
      result.dispose();
      return out;
    };
    let maxAbsErr = 0;
    let maxRelErr = 0;
    for (let k = 0; k < xs.length; k++) {
      const numeric = new Float64Array(values[k].length);
      for (let i = 0; i < values[k].length; i++) {
        numeric[i] = ((await evalAt(k, i, eps)) - (await evalAt(k, i, -eps))) / (2 * eps);
      }
      const cmp = compareValues(analytic[k], numeric, tol);
      maxAbsErr = Math.max(maxAbsErr, cmp.maxAbsErr);
      maxRelErr = Math.max(maxRelErr, cmp.maxRelErr);
      if (!cmp.ok) {
        const w = cmp.worst!;
        return {
          ok: false,
          maxAbsErr,
          maxRelErr,
          reason: `argument ${k}, element ${w.index}: autograd ${w.actual}, finite differences ${w.expected}`,
        };
      }
    }
    return { ok: true, maxAbsErr, maxRelErr };
  } finally {
    r.dispose();
  }
}
