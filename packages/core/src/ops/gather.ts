/** Indexing by an int32 tensor: gather, its adjoint scatter-add, and one-hot encoding. */
// Gradients: gradients/gather.grad.ts.
import { checkIndexRange } from '../checks/index-range.js';
import { asOp, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import { checkShape, normalizeAxis, type Shape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, checkTensor } from '../validate.js';
import { add, mul } from './arithmetic.js';
import { castTo } from './cast.js';
import { equal } from './compare.js';
import { arange } from './creation.js';
import { expandDims } from './reshape.js';
import { runKernel } from './run-kernel.js';

function checkIndices(op: string, indices: Tensor): void {
  checkTensor(op, 'indices', indices);
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
  checkTensor('gather', 'x', x);
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
  const op = 'scatterAdd';
  checkTensor(op, 'updates', updates);
  checkIndices(op, indices);
  if (updates.dtype !== 'float32') throw new DTypeError(op, `updates are ${updates.dtype}; expected float32`);
  checkShape(op, shape);
  axis = normalizeAxis(op, axis, shape.length);
  // The adjoint of gather: updates must be what gathering `indices` along `axis` from `shape` gives.
  const expected = [...shape.slice(0, axis), ...indices.shape, ...shape.slice(axis + 1)];
  if (!shapesEqual(updates.shape, expected)) {
    throw new ShapeError(
      op,
      `updates ${fmtShape(updates.shape)} do not fit indices ${fmtShape(indices.shape)} scattered along axis ${axis} into ${fmtShape(shape)}; expected updates ${fmtShape(expected)}`,
    );
  }
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
  const op = 'oneHot';
  checkIndices(op, indices);
  checkNumber(op, 'depth', depth, { integer: true, min: 0 });
  checkNumber(op, 'on', on, { nonFinite: true });
  checkNumber(op, 'off', off, { nonFinite: true });
  checkShape(op, [...indices.shape, depth], 'output shape');
  checkIndexRange(op, 'indices', indices, depth);
  return asOp(op, () =>
    tidy(() => {
      const hot = castTo(equal(expandDims(indices, -1), arange(0, depth, 1, 'int32')), 'float32');
      return on === 1 && off === 0 ? hot : add(mul(hot, on - off), off);
    }),
  );
}
