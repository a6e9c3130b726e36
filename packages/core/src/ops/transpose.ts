/** Axis permutation. Gradient: gradients/layout.grad.ts. */
import { ArgumentError, asOp, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { identity } from './reshape.js';
import { runKernel } from './run-kernel.js';

/** Attributes of a transpose, as its gradient receives them. */
export interface TransposeAttrs {
  /** The permutation that undoes this one. */
  readonly inverse: readonly number[];
}

/** Permutes the axes (default: reverses them). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', 'x', x);
  if (perm !== undefined && !Array.isArray(perm)) {
    throw new ArgumentError('transpose', `perm ${fmtValue(perm)} must be an array of axes`);
  }
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const normalized = p.map((a) => (a < 0 ? a + x.rank : a));
  if (normalized.length !== x.rank || [...normalized].sort((a, b) => a - b).some((a, i) => a !== i)) {
    throw new ArgumentError('transpose', `perm [${p.join(', ')}] is not a permutation of the ${x.rank} axes`);
  }
  // The identity permutation (every rank-0 and rank-1 transpose) moves nothing: no kernel.
  if (normalized.every((a, i) => a === i)) return asOp('transpose', () => identity(x));
  const shape = normalized.map((a) => x.shape[a]);
  const inverse = new Array<number>(x.rank);
  normalized.forEach((a, i) => {
    inverse[a] = i;
  });
  const attrs: TransposeAttrs = { inverse };
  return runKernel({
    op: 'transpose',
    inputs: [x],
    out: { shape, dtype: x.dtype },
    run: (backend, [k]) => backend.transpose(k, normalized, { shape, dtype: x.dtype }),
    attrs,
  });
}

/** Swaps the last two axes (matrix transpose of every matrix in a batch). */
export function matrixTranspose(x: Tensor): Tensor {
  checkTensor('matrixTranspose', 'x', x);
  if (x.rank < 2) throw new ArgumentError('matrixTranspose', `needs rank >= 2, got rank ${x.rank}`);
  const perm = x.shape.map((_, i) => i);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return asOp('matrixTranspose', () => transpose(x, perm));
}
