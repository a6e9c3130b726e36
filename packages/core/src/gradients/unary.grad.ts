/** Gradients of the elementwise unary ops, each written with ops (so every backend inherits it). */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { add, div, mul, sub } from '../ops/arithmetic.js';
import { zerosLike } from '../ops/creation.js';
import { cos, exp, neg, sign, sin, square } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { activationGrad } from './fused/activation-grad.js';

/** `savesInputs: false` where the gradient reads only the output (the input's memory is not held). */
function unary(
  op: string,
  savesInputs: boolean,
  grad: (dy: Tensor, x: Tensor, y: Tensor) => Tensor,
): GradientConfig {
  return { op, savesInputs, grad: (dy, [x], y) => [grad(dy, x, y)] };
}

/** Piecewise-constant ops have a zero gradient. */
const zero = (op: string) => unary(op, false, (dy) => zerosLike(dy));

export const unaryGradients: readonly GradientConfig[] = [
  unary('neg', false, (dy) => neg(dy)),
  unary('abs', true, (dy, x) => mul(dy, sign(x))),
  unary('exp', false, (dy, _x, y) => mul(dy, y)),
  unary('log', true, (dy, x) => div(dy, x)),
  unary('sqrt', false, (dy, _x, y) => div(dy, mul(y, 2))),
  unary('rsqrt', false, (dy, _x, y) => mul(dy, mul(-0.5, mul(y, square(y))))),
  unary('square', true, (dy, x) => mul(dy, mul(x, 2))),
  unary('reciprocal', false, (dy, _x, y) => neg(mul(dy, square(y)))),
  unary('sin', true, (dy, x) => mul(dy, cos(x))),
  unary('cos', true, (dy, x) => neg(mul(dy, sin(x)))),
  unary('tanh', false, (dy, _x, y) => mul(dy, sub(1, square(y)))),
  unary('sigmoid', false, (dy, _x, y) => mul(dy, mul(y, sub(1, y)))),
  // dy · (y > 0) as one fused pass where the backend has it (the same rounding as the three ops it
  // replaces, which stay its default): DenseNet-40's relu gradients were 60 of 590 ms of non-conv
  // kernels per step on backend-wasm, three full passes each.
  unary('relu', false, (dy, _x, y) => activationGrad(dy, y, 'relu')),
  unary('erf', true, (dy, x) => mul(dy, mul(2 / Math.sqrt(Math.PI), exp(neg(square(x)))))),
  zero('sign'),
  zero('floor'),
  zero('ceil'),
  zero('round'),
  unary('expm1', false, (dy, _x, y) => mul(dy, add(y, 1))),
  unary('log1p', true, (dy, x) => div(dy, add(x, 1))),
];
