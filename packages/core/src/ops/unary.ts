/** Elementwise unary math: the dtypes each op accepts. Gradients: gradients/unary.grad.ts. */
import type { UnaryOp } from '../backend.js';
import type { DType } from '../dtype.js';
import { DTypeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { runKernel } from './run-kernel.js';

const FLOAT: readonly DType[] = ['float32'];
const NUMERIC: readonly DType[] = ['float32', 'int32'];

/** The dtypes each unary op accepts (the output has the input's dtype). */
export const UNARY_DTYPES: Readonly<Record<UnaryOp, readonly DType[]>> = {
  neg: NUMERIC,
  abs: NUMERIC,
  exp: FLOAT,
  log: FLOAT,
  sqrt: FLOAT,
  rsqrt: FLOAT,
  square: NUMERIC,
  reciprocal: FLOAT,
  sin: FLOAT,
  cos: FLOAT,
  tanh: FLOAT,
  sigmoid: FLOAT,
  relu: NUMERIC,
  erf: FLOAT,
  sign: NUMERIC,
  floor: FLOAT,
  ceil: FLOAT,
  round: FLOAT,
  expm1: FLOAT,
  log1p: FLOAT,
  logicalNot: ['bool'],
};

function unary(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(op, 'x', x);
  const dtypes = UNARY_DTYPES[op];
  if (!dtypes.includes(x.dtype)) {
    throw new DTypeError(op, `got ${x.dtype}${fmtShape(x.shape)}; expected ${dtypes.join(' or ')}`);
  }
  const out = { shape: x.shape, dtype: x.dtype };
  return runKernel({ op, inputs: [x], out, run: (backend, [k]) => backend.unary(op, k, out) });
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const erf = (x: Tensor): Tensor => unary('erf', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const floor = (x: Tensor): Tensor => unary('floor', x);
export const ceil = (x: Tensor): Tensor => unary('ceil', x);
/** Rounds half to even (as PyTorch, NumPy and ONNX do). */
export const round = (x: Tensor): Tensor => unary('round', x);
export const expm1 = (x: Tensor): Tensor => unary('expm1', x);
export const log1p = (x: Tensor): Tensor => unary('log1p', x);
export const logicalNot = (x: Tensor): Tensor => unary('logicalNot', x);
