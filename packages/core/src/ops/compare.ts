/** Comparisons (-> bool), logical ops on bool tensors, and `where`. Gradient of where: gradients/. */
import type { CompareOp, LogicalOp } from '../backend.js';
import { DTypeError, fmtShape } from '../errors.js';
import { broadcastShapes, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { runBinaryScalar } from './binary-scalar.js';
import { full } from './creation.js';
import { checkSameDType, operands, type TensorLike, withScalarTensor } from './operands.js';
import { runKernel } from './run-kernel.js';

function compare(op: CompareOp | LogicalOp, x: TensorLike, z: TensorLike): Tensor {
  if (typeof x === 'number' && typeof z === 'number') return withScalarTensor(x, (t) => compare(op, t, z));
  const o = operands(op, x, z);
  const dtype = o.kind === 'tensors' ? o.a.dtype : o.x.dtype;
  const logical = op === 'logicalAnd' || op === 'logicalOr' || op === 'logicalXor';
  if (logical && dtype !== 'bool') {
    const shape = o.kind === 'tensors' ? o.a.shape : o.x.shape;
    throw new DTypeError(op, `got ${dtype}${fmtShape(shape)}; expected bool operands`);
  }
  if (o.kind === 'scalar') return runBinaryScalar(op, o.x, o.value, o.scalarFirst, 'bool');
  const shape = broadcastShapes(op, o.a.shape, o.b.shape);
  const out = { shape, dtype: 'bool' as const };
  return runKernel({
    op,
    inputs: [o.a, o.b],
    out,
    run: (backend, [ka, kb]) => backend.binary(op, ka, kb, out),
  });
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

/** Attributes of `where`, as its gradient receives them. */
export interface WhereAttrs {
  readonly aShape: Shape;
  readonly bShape: Shape;
}

/** `cond ? a : b` elementwise with broadcasting of all three; gradients flow to the chosen branch. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const op = 'where';
  checkTensor(op, 'condition', cond).assertLive(op);
  for (const [name, v] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (typeof v !== 'number') checkTensor(op, name, v).assertLive(op);
  }
  if (cond.dtype !== 'bool') {
    throw new DTypeError(op, `condition is ${cond.dtype}${fmtShape(cond.shape)}; expected bool`);
  }
  // A number branch becomes a scalar of the other branch's dtype (float32 when both are numbers).
  const like = typeof a !== 'number' ? a : typeof b !== 'number' ? b : null;
  const temps: Tensor[] = [];
  const lift = (v: TensorLike): Tensor => {
    if (typeof v !== 'number') return v;
    const t = full([], v, like?.dtype ?? 'float32', like ?? undefined);
    temps.push(t);
    return t;
  };
  try {
    const ta = lift(a);
    const tb = lift(b);
    checkSameDType(op, ta, tb);
    const shape = broadcastShapes(op, broadcastShapes(op, cond.shape, ta.shape), tb.shape);
    const out = { shape, dtype: ta.dtype };
    const attrs: WhereAttrs = { aShape: ta.shape, bShape: tb.shape };
    return runKernel({
      op,
      inputs: [cond, ta, tb],
      out,
      run: (backend, [kc, ka, kb]) => backend.where(kc, ka, kb, out),
      attrs,
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
