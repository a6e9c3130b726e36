/** Comparisons (-> bool), logical ops on bool tensors, and `where`. */
import type { CompareOp, LogicalOp } from '../backend.js';
import { DTypeError, fmtShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { asTensors, type TensorLike } from './arithmetic.js';
import { full, zerosLike } from './creation.js';
import { sumTo } from './reduce.js';
import { runKernel } from './run-kernel.js';

function compare(op: CompareOp | LogicalOp, x: TensorLike, z: TensorLike): Tensor {
  const { a, b, temps } = asTensors(op, x, z);
  const logical = op === 'logicalAnd' || op === 'logicalOr' || op === 'logicalXor';
  if (logical && a.dtype !== 'bool') {
    throw new DTypeError(op, `got ${a.dtype}${fmtShape(a.shape)}; expected bool operands`);
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  try {
    return runKernel({
      op,
      inputs: [a, b],
      out: { shape, dtype: 'bool' },
      run: (backend, [ka, kb]) => backend.binary(op, ka, kb, { shape, dtype: 'bool' }),
    });
  } finally {
    for (const t of temps) t.dispose();
  }
}

export const equal = (a: TensorLike, b: TensorLike): Tensor => compare('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => compare('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare('greaterEqual', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare('logicalOr', a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => compare('logicalXor', a, b);

/** `cond ? a : b` elementwise with broadcasting of all three; gradients flow to the chosen branch. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const op = 'where';
  if (cond.dtype !== 'bool') {
    throw new DTypeError(op, `condition is ${cond.dtype}${fmtShape(cond.shape)}; expected bool`);
  }
  const { a: ta, b: tb, temps } = asTensors(op, a, b);
  const shape = broadcastShapes(op, broadcastShapes(op, cond.shape, ta.shape), tb.shape);
  const aShape = ta.shape;
  const bShape = tb.shape;
  try {
    return runKernel({
      op,
      inputs: [cond, ta, tb],
      out: { shape, dtype: ta.dtype },
      run: (backend, [kc, ka, kb]) => backend.where(kc, ka, kb, { shape, dtype: ta.dtype }),
      grad: (dy, [c], _y, needed) => {
        const zero = zerosLike(dy);
        return [
          null,
          needed[1] ? sumTo(where(c, dy, zero), aShape) : null,
          needed[2] ? sumTo(where(c, zero, dy), bShape) : null,
        ];
      },
    });
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** `!x` for bool tensors. */
export { logicalNot } from './unary.js';

/** True where `x` is NaN. */
export function isnan(x: Tensor): Tensor {
  return notEqual(x, x);
}

/** A bool tensor of `x`'s shape, all `value`. */
export function fullBool(x: Tensor, value: boolean): Tensor {
  return full(x.shape, value ? 1 : 0, 'bool', x);
}
