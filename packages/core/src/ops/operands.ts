/**
 * Number operands. Elementwise ops take `Tensor | number`; a number reaches the backend as a kernel
 * attribute (`binaryScalar`), never as a freshly uploaded one-element tensor, so a GPU step does not
 * upload a buffer per literal.
 */
import type { DType } from '../dtype.js';
import { ArgumentError, DTypeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { full } from './creation.js';

/** A tensor, or a number that acts as a scalar of the other operand's dtype on its backend. */
export type TensorLike = Tensor | number;

/** `v` as an element of `dtype` holds it (what storing it in that dtype's typed array gives). */
export function scalarIn(v: number, dtype: DType): number {
  if (dtype === 'int32') return v | 0;
  if (dtype === 'bool') return v ? 1 : 0;
  return Math.fround(v);
}

/** Two tensor operands must share a dtype: there is no implicit promotion. */
export function checkSameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      op,
      `operands have dtypes ${a.dtype}${fmtShape(a.shape)} and ${b.dtype}${fmtShape(b.shape)}; expected the same dtype (cast one explicitly)`,
    );
  }
}

/** The operands of a binary op: two tensors, or one tensor and a number on either side. */
export type Operands =
  | { readonly kind: 'tensors'; readonly a: Tensor; readonly b: Tensor }
  | { readonly kind: 'scalar'; readonly x: Tensor; readonly value: number; readonly scalarFirst: boolean };

/**
 * Sorts out `a op b` when at least one is a tensor; callers that accept two numbers make the first a
 * scalar tensor themselves (`withScalarTensor`).
 */
export function operands(op: string, a: TensorLike, b: TensorLike): Operands {
  if (typeof a !== 'number') checkTensor(op, 'a', a).assertLive(op);
  if (typeof b !== 'number') checkTensor(op, 'b', b).assertLive(op);
  if (typeof a === 'number') {
    if (typeof b === 'number') throw new ArgumentError(op, 'got two numbers; expected at least one tensor');
    return { kind: 'scalar', x: b, value: a, scalarFirst: true };
  }
  if (typeof b === 'number') return { kind: 'scalar', x: a, value: b, scalarFirst: false };
  checkSameDType(op, a, b);
  return { kind: 'tensors', a, b };
}

/** `body` applied to `v` as a float32 scalar tensor, which is freed afterwards (the result is kept). */
export function withScalarTensor(v: number, body: (t: Tensor) => Tensor): Tensor {
  const t = full([], v);
  try {
    return body(t);
  } finally {
    t.dispose();
  }
}
