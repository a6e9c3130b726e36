/** `x op value` with the number as a kernel attribute: the backend's `binaryScalar`, or core's default. */
import type { BinaryOp } from '../backend.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { binaryScalarDefault } from './fused/binary-scalar.js';
import { scalarIn } from './operands.js';
import { runKernel } from './run-kernel.js';

/** Attributes of a scalar-operand op, as its gradient receives them. */
export interface ScalarAttrs {
  /** The number, already as an element of the tensor's dtype. */
  readonly value: number;
  /** true: `value op x`; false: `x op value`. */
  readonly scalarFirst: boolean;
}

export function runBinaryScalar(
  op: BinaryOp,
  x: Tensor,
  value: number,
  scalarFirst: boolean,
  outDType: DType,
  gradient?: string,
): Tensor {
  const v = scalarIn(value, x.dtype);
  const out = { shape: x.shape, dtype: outDType };
  const attrs: ScalarAttrs = { value: v, scalarFirst };
  return runKernel({
    op,
    inputs: [x],
    out,
    run: (backend, [k]) =>
      backend.binaryScalar
        ? backend.binaryScalar(op, k, v, scalarFirst, out)
        : binaryScalarDefault(backend, op, k, v, scalarFirst, out),
    attrs,
    gradient,
  });
}
