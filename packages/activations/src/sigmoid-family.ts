/** The S-shaped squashing functions: logistic sigmoid, tanh, softsign and the piecewise-linear hard sigmoid. */
import * as d from '@dendrite/core';
import { expectFinite, expectFloat } from './activation.js';

/** 1 / (1 + e^−x). */
export function sigmoid(x: d.Tensor): d.Tensor {
  expectFloat('sigmoid', x);
  return d.sigmoid(x);
}

/** (e^x − e^−x) / (e^x + e^−x). */
export function tanh(x: d.Tensor): d.Tensor {
  expectFloat('tanh', x);
  return d.tanh(x);
}

/** x / (1 + |x|): tanh's shape with polynomial rather than exponential tails. */
export function softsign(x: d.Tensor): d.Tensor {
  expectFloat('softsign', x);
  return d.tidy(() => d.div(x, d.add(d.abs(x), 1)));
}

/**
 * max(0, min(1, alpha·x + beta)). The defaults are PyTorch's (x/6 + 1/2, i.e. relu6(x + 3) / 6); ONNX's
 * HardSigmoid uses alpha 0.2. Like PyTorch, the gradient is 0 at both corners.
 */
export function hardSigmoid(x: d.Tensor, alpha = 1 / 6, beta = 0.5): d.Tensor {
  expectFloat('hardSigmoid', x);
  expectFinite('hardSigmoid', 'alpha', alpha);
  expectFinite('hardSigmoid', 'beta', beta);
  // minimum(1, ·) with the constant first: a tie sends the gradient to the constant (zero at the corner).
  return d.tidy(() => d.minimum(1, d.relu(d.add(d.mul(x, alpha), beta))));
}
