/** Views that only change the shape: reshape, flatten, squeeze, expandDims. They share storage. */
// Gradient: gradients/layout.grad.ts.
import { record } from '../autograd/record.js';
import { ArgumentError, asOp, fmtShape, fmtValue, ShapeError } from '../errors.js';
import { checkShape, normalizeAxis, type Shape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { alias } from './creation.js';

/** Attributes of a reshape, as its gradient receives them. */
export interface ReshapeAttrs {
  readonly inShape: Shape;
}

/** The same values in a new shape (one dimension may be -1: inferred). No copy. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor('reshape', 'x', x).assertLive('reshape');
  if (!Array.isArray(shape)) throw new ShapeError('reshape', `shape ${fmtValue(shape)} is not an array`);
  const target = [...shape];
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    if (target.indexOf(-1, unknown + 1) >= 0)
      throw new ShapeError('reshape', `shape ${fmtShape(shape)} has more than one -1`);
    const known = sizeOf(target.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        'reshape',
        `cannot infer -1 in ${fmtShape(shape)} for ${x.size} elements of ${fmtShape(x.shape)}`,
      );
    }
    target[unknown] = x.size / known;
  }
  checkShape('reshape', target);
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(
      'reshape',
      `cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)} (${sizeOf(target)} elements)`,
    );
  }
  const y = alias(x, target);
  const attrs: ReshapeAttrs = { inShape: x.shape };
  record('reshape', [x], y, attrs);
  return y;
}

/** Keeps the first `axis` dimensions and flattens the rest into one (default: `[N, -1]`). */
export function flatten(x: Tensor, axis = 1): Tensor {
  checkTensor('flatten', 'x', x);
  const a = axis === x.rank ? axis : normalizeAxis('flatten', axis, x.rank);
  return asOp('flatten', () => reshape(x, [...x.shape.slice(0, a), sizeOf(x.shape.slice(a))]));
}

/** Removes size-1 axes (all of them, or those listed). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  checkTensor('squeeze', 'x', x);
  const list =
    axes === undefined
      ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
      : (typeof axes === 'number' ? [axes] : axes).map((a) => normalizeAxis('squeeze', a, x.rank));
  for (const a of list) {
    if (x.shape[a] !== 1)
      throw new ShapeError('squeeze', `axis ${a} of ${fmtShape(x.shape)} has size ${x.shape[a]}; expected 1`);
  }
  return asOp('squeeze', () =>
    reshape(
      x,
      x.shape.filter((_, i) => !list.includes(i)),
    ),
  );
}

/** Inserts a size-1 axis at `axis` (which may be negative, counting in the result's rank). */
export function expandDims(x: Tensor, axis: number): Tensor {
  checkTensor('expandDims', 'x', x);
  const rank = x.rank + 1;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ArgumentError('expandDims', `axis ${axis} is out of range for a result of rank ${rank}`);
  }
  const a = axis < 0 ? axis + rank : axis;
  return asOp('expandDims', () => reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]));
}

/** A new handle on `x`'s values that stays on the autograd graph (gradient passes through). */
export function identity(x: Tensor): Tensor {
  checkTensor('identity', 'x', x);
  return asOp('identity', () => reshape(x, x.shape));
}
