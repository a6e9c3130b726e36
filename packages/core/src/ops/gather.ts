/** Indexing by an int32 tensor: gather, its adjoint scatter-add, and one-hot encoding. */
// Gradients: gradients/gather.grad.ts.
import { checkIndexRange } from '../checks/index-range.js';
import { DTypeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './arithmetic.js';
import { castTo } from './cast.js';
import { equal } from './compare.js';
import { arange } from './creation.js';
import { expandDims } from './reshape.js';
import { runKernel } from './run-kernel.js';

function checkIndices(op: string, indices: Tensor): void {
  if (indices.dtype !== 'int32') {
    throw new DTypeError(op, `indices are ${indices.dtype}${fmtShape(indices.shape)}; expected int32`);
  }
}

/** Attributes of gather and scatter-add, as their gradients receive them. */
export interface GatherAttrs {
  readonly axis: number;
  /** gather: x's shape (scatter-add: the updates' shape). */
  readonly inShape: Shape;
}

/**
 * Slices of `x` along `axis` picked by `indices` (int32, any shape; negative counts from the end is not
 * supported). Out-of-range indices raise a BackendError where the backend can check them.
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  checkIndices('gather', indices);
  const a = normalizeAxis('gather', axis, x.rank);
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  const attrs: GatherAttrs = { axis: a, inShape: x.shape };
  return runKernel({
    op: 'gather',
    inputs: [x, indices],
    out: { shape, dtype: x.dtype },
    run: (backend, [kx, ki]) => backend.gather(kx, ki, a, { shape, dtype: x.dtype }),
    attrs,
  });
}

/** Zeros of `shape` with each slice of `updates` added at `indices` along `axis` (the adjoint of gather). */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  checkIndices('scatterAdd', indices);
  if (updates.dtype !== 'float32')
    throw new DTypeError('scatterAdd', `updates are ${updates.dtype}; expected float32`);
  return runKernel({
    op: 'scatterAdd',
    inputs: [updates, indices],
    out: { shape, dtype: 'float32' },
    run: (backend, [ku, ki]) => backend.scatterAdd(ku, ki, axis, { shape, dtype: 'float32' }),
    attrs: { axis, inShape: updates.shape } satisfies GatherAttrs,
  });
}

/**
 * One-hot encoding of int32 `indices`: a new last axis of `depth`, `on` at the index, `off` elsewhere.
 * An index outside [0, depth) raises `IndexError` (as PyTorch), on asynchronous backends at the next read
 * (checks/index-range.ts).
 */
export function oneHot(indices: Tensor, depth: number, on = 1, off = 0): Tensor {
  checkIndices('oneHot', indices);
  checkIndexRange('oneHot', 'indices', indices, depth);
  return tidy(() => {
    const hot = castTo(equal(expandDims(indices, -1), arange(0, depth, 1, 'int32')), 'float32');
    return on === 1 && off === 0 ? hot : add(mul(hot, on - off), off);
  });
}
