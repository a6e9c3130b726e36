/**
 * Reductions over any axes with keepdims: sum, mean, prod, max, min, logsumexp, argmax, argmin.
 * Gradients: gradients/reduce.grad.ts.
 */
import type { ArgReduceOp, ReduceOp } from '../backend.js';
import { asOp, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import {
  broadcastedAxes,
  keptShape,
  normalizeAxes,
  normalizeAxis,
  type Shape,
  shapesEqual,
  sizeOf,
} from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { add, div, sub } from './arithmetic.js';
import { detach } from './creation.js';
import { reshape } from './reshape.js';
import { runKernel } from './run-kernel.js';
import { exp, log } from './unary.js';

export type Axes = number | readonly number[] | null;

/** Attributes of a reduction, as its gradient receives them. */
export interface ReduceAttrs {
  /** The reduced axes (sorted, non-negative). */
  readonly axes: readonly number[];
  readonly inShape: Shape;
}

function reduce(op: ReduceOp, x: Tensor, axes: Axes | undefined, keepdims: boolean): Tensor {
  return keepdims ? tidy(() => reduceOnce(op, x, axes, true)) : reduceOnce(op, x, axes, false);
}

function reduceOnce(op: ReduceOp, x: Tensor, axes: Axes | undefined, keepdims: boolean): Tensor {
  checkTensor(op, 'x', x);
  if (x.dtype === 'bool')
    throw new DTypeError(op, `got bool${fmtShape(x.shape)}; expected float32 or int32 (cast first)`);
  const ax = normalizeAxes(op, axes, x.rank);
  const shape = x.shape.filter((_, i) => !ax.includes(i));
  const inShape = x.shape;
  const attrs: ReduceAttrs = { axes: ax, inShape };
  const y = runKernel({
    op,
    inputs: [x],
    out: { shape, dtype: x.dtype },
    run: (backend, [k]) => backend.reduce(op, k, ax, { shape, dtype: x.dtype }),
    attrs,
  });
  return keepdims ? reshape(y, keptShape(inShape, ax)) : y;
}

/** Sum over `axes` (default all). */
export function sum(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return reduce('sum', x, axes, keepdims);
}

export function prod(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return reduce('prod', x, axes, keepdims);
}

/** Maximum over `axes` (default all); ties share the gradient. */
export function max(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return reduce('max', x, axes, keepdims);
}

export function min(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return reduce('min', x, axes, keepdims);
}

/** Arithmetic mean over `axes` (default all); float32 only. */
export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  checkTensor('mean', 'x', x);
  if (x.dtype !== 'float32')
    throw new DTypeError('mean', `got ${x.dtype}${fmtShape(x.shape)}; expected float32`);
  const ax = normalizeAxes('mean', axes, x.rank);
  const count = sizeOf(ax.map((a) => x.shape[a]));
  return asOp('mean', () => tidy(() => div(sum(x, ax, keepdims), count)));
}

/** `log(sum(exp(x)))` over `axes`, computed stably by shifting by the (constant) maximum. */
export function logsumexp(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  checkTensor('logsumexp', 'x', x);
  if (x.dtype !== 'float32')
    throw new DTypeError('logsumexp', `got ${x.dtype}${fmtShape(x.shape)}; expected float32`);
  const ax = normalizeAxes('logsumexp', axes, x.rank);
  return asOp('logsumexp', () =>
    tidy(() => {
      if (x.size === 0) return log(sum(exp(x), ax, keepdims));
      const m = detach(max(x, ax, true));
      const y = add(log(sum(exp(sub(x, m)), ax, true)), m);
      return keepdims
        ? y
        : reshape(
            y,
            x.shape.filter((_, i) => !ax.includes(i)),
          );
    }),
  );
}

function argReduce(op: ArgReduceOp, x: Tensor, axis: number | undefined, keepdims: boolean): Tensor {
  checkTensor(op, 'x', x);
  if (x.dtype === 'bool') throw new DTypeError(op, `got bool${fmtShape(x.shape)}; expected float32 or int32`);
  if (axis === undefined) return tidy(() => argReduce(op, reshape(x, [x.size]), 0, false));
  if (keepdims)
    return tidy(() =>
      reshape(argReduce(op, x, axis, false), keptShape(x.shape, [normalizeAxis(op, axis, x.rank)])),
    );
  const a = normalizeAxis(op, axis, x.rank);
  if (x.rank === 0 ? false : x.shape[a] === 0) {
    throw new ShapeError(
      op,
      `axis ${a} of ${fmtShape(x.shape)} is empty: it has no ${op === 'argmax' ? 'maximum' : 'minimum'}`,
    );
  }
  const shape = x.shape.filter((_, i) => i !== a);
  const y = runKernel({
    op,
    inputs: [x],
    out: { shape, dtype: 'int32' },
    run: (backend, [k]) => backend.argReduce(op, k, a, { shape, dtype: 'int32' }),
  });
  return y;
}

/** Index (int32) of the first maximum along `axis`; without an axis, of the flattened tensor. */
export function argmax(x: Tensor, axis?: number, keepdims = false): Tensor {
  return argReduce('argmax', x, axis, keepdims);
}

export function argmin(x: Tensor, axis?: number, keepdims = false): Tensor {
  return argReduce('argmin', x, axis, keepdims);
}

/** Sums `g` over the axes that broadcasting added or stretched, so it has `shape` (gradients of broadcasts). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const axes = broadcastedAxes(shape, g.shape);
  return tidy(() => reshape(sum(g, axes, false), shape));
}
