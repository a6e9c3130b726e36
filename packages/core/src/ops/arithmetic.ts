/**
 * Elementwise arithmetic with NumPy broadcasting: add, sub, mul, div, pow, maximum, minimum. A number
 * operand reaches the kernel as an attribute (see operands.ts). Gradients: gradients/arithmetic.grad.ts.
 */
import type { ArithmeticOp } from '../backend.js';
import { DTypeError, fmtShape } from '../errors.js';
import { broadcastShapes, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { runBinaryScalar } from './binary-scalar.js';
import { operands, type TensorLike, withScalarTensor } from './operands.js';
import { runKernel } from './run-kernel.js';

export type { TensorLike } from './operands.js';

/** Attributes of a two-tensor arithmetic op, as its gradient receives them. */
export interface BroadcastAttrs {
  readonly aShape: Shape;
  readonly bShape: Shape;
}

function arithmetic(op: ArithmeticOp, x: TensorLike, z: TensorLike): Tensor {
  if (typeof x === 'number' && typeof z === 'number') return withScalarTensor(x, (t) => arithmetic(op, t, z));
  const o = operands(op, x, z);
  const dtype = o.kind === 'tensors' ? o.a.dtype : o.x.dtype;
  if (dtype === 'bool') {
    const shapes =
      o.kind === 'tensors' ? `${fmtShape(o.a.shape)} and ${fmtShape(o.b.shape)}` : fmtShape(o.x.shape);
    throw new DTypeError(op, `got bool operands ${shapes}; expected float32 or int32`);
  }
  if (o.kind === 'scalar') return runBinaryScalar(op, o.x, o.value, o.scalarFirst, dtype, `${op}Scalar`);
  const { a, b } = o;
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = { shape, dtype };
  const attrs: BroadcastAttrs = { aShape: a.shape, bShape: b.shape };
  return runKernel({
    op,
    inputs: [a, b],
    out,
    run: (backend, [ka, kb]) => backend.binary(op, ka, kb, out),
    attrs,
  });
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('add', a, b);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('sub', a, b);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('mul', a, b);
}

/** Division; int32 division truncates toward zero. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('div', a, b);
}

/** `a ** b`. The gradient for `b` is `y * ln(a)`, taken as 0 where `a <= 0` (where it is undefined). */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('pow', a, b);
}

/** Elementwise maximum; a tie sends the gradient to `a`. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('maximum', a, b);
}

/** Elementwise minimum; a tie sends the gradient to `a`. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('minimum', a, b);
}
