/**
 * Elementwise unary math. Each op is one row: its kernel name, the dtypes it accepts and its gradient
 * (written with ops, so every backend inherits it).
 */
import type { UnaryOp } from '../backend.js';
import type { DType } from '../dtype.js';
import { DTypeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './arithmetic.js';
import { castTo } from './cast.js';
import { greater } from './compare.js';
import { zerosLike } from './creation.js';
import { runKernel } from './run-kernel.js';

type UnaryGrad = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

interface UnarySpec {
  readonly dtypes: readonly DType[];
  /** null: not differentiable (bool ops); the gradient of piecewise-constant ops is zero */
  readonly grad: UnaryGrad | null;
  /** false when the gradient reads only the output (saves the input's memory) */
  readonly needsInput: boolean;
}

const FLOAT: readonly DType[] = ['float32'];
const NUMERIC: readonly DType[] = ['float32', 'int32'];
const zeroGrad: UnaryGrad = (dy) => zerosLike(dy);

const SPECS: Record<UnaryOp, UnarySpec> = {
  neg: { dtypes: NUMERIC, grad: (dy) => neg(dy), needsInput: false },
  abs: { dtypes: NUMERIC, grad: (dy, x) => mul(dy, sign(x)), needsInput: true },
  exp: { dtypes: FLOAT, grad: (dy, _x, y) => mul(dy, y), needsInput: false },
  log: { dtypes: FLOAT, grad: (dy, x) => div(dy, x), needsInput: true },
  sqrt: { dtypes: FLOAT, grad: (dy, _x, y) => div(dy, mul(y, 2)), needsInput: false },
  rsqrt: { dtypes: FLOAT, grad: (dy, _x, y) => mul(dy, mul(-0.5, mul(y, square(y)))), needsInput: false },
  square: { dtypes: NUMERIC, grad: (dy, x) => mul(dy, mul(x, 2)), needsInput: true },
  reciprocal: { dtypes: FLOAT, grad: (dy, _x, y) => neg(mul(dy, square(y))), needsInput: false },
  sin: { dtypes: FLOAT, grad: (dy, x) => mul(dy, cos(x)), needsInput: true },
  cos: { dtypes: FLOAT, grad: (dy, x) => neg(mul(dy, sin(x))), needsInput: true },
  tanh: { dtypes: FLOAT, grad: (dy, _x, y) => mul(dy, sub(1, square(y))), needsInput: false },
  sigmoid: { dtypes: FLOAT, grad: (dy, _x, y) => mul(dy, mul(y, sub(1, y))), needsInput: false },
  relu: {
    dtypes: NUMERIC,
    grad: (dy, _x, y) => mul(dy, castTo(greater(y, 0), 'float32')),
    needsInput: false,
  },
  erf: {
    dtypes: FLOAT,
    grad: (dy, x) => mul(dy, mul(2 / Math.sqrt(Math.PI), exp(neg(square(x))))),
    needsInput: true,
  },
  sign: { dtypes: NUMERIC, grad: zeroGrad, needsInput: false },
  floor: { dtypes: FLOAT, grad: zeroGrad, needsInput: false },
  ceil: { dtypes: FLOAT, grad: zeroGrad, needsInput: false },
  round: { dtypes: FLOAT, grad: zeroGrad, needsInput: false },
  expm1: { dtypes: FLOAT, grad: (dy, _x, y) => mul(dy, add(y, 1)), needsInput: false },
  log1p: { dtypes: FLOAT, grad: (dy, x) => div(dy, add(x, 1)), needsInput: true },
  logicalNot: { dtypes: ['bool'], grad: null, needsInput: false },
};

function unary(op: UnaryOp, x: Tensor): Tensor {
  const spec = SPECS[op];
  if (!spec.dtypes.includes(x.dtype)) {
    throw new DTypeError(op, `got ${x.dtype}${fmtShape(x.shape)}; expected ${spec.dtypes.join(' or ')}`);
  }
  const out = { shape: x.shape, dtype: x.dtype };
  const grad = spec.grad;
  return runKernel({
    op,
    inputs: [x],
    out,
    run: (backend, [k]) => backend.unary(op, k, out),
    grad: grad ? (dy, inputs, y) => [grad(dy, inputs[0], y)] : undefined,
    saves: { inputs: spec.needsInput },
  });
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
