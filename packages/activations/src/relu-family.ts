/** Rectifiers: ReLU and the variants that keep a slope or a smooth curve below zero, and ReLU6. */
import * as d from '@dendrite/core';
import { expectFinite, expectFloat } from './activation.js';

/** max(0, x). */
export function relu(x: d.Tensor): d.Tensor {
  expectFloat('relu', x);
  return d.relu(x);
}

/**
 * x for x > 0, alpha·x otherwise (PyTorch's default slope 0.01). Written as x · (x > 0 ? 1 : alpha), the
 * same value for every x (x · 1 is x; NaN takes alpha as PyTorch's does): its gradient is then one product
 * dy · slope, where `where(x > 0, x, alpha·x)` spent five passes (zeros, two selects, a product, a sum).
 */
export function leakyRelu(x: d.Tensor, alpha = 0.01): d.Tensor {
  expectFloat('leakyRelu', x);
  expectFinite('leakyRelu', 'alpha', alpha);
  return d.tidy(() => d.mul(x, d.where(d.greater(x, 0), 1, alpha)));
}

/** x for x > 0, alpha·(e^x − 1) otherwise. */
export function elu(x: d.Tensor, alpha = 1): d.Tensor {
  expectFloat('elu', x);
  expectFinite('elu', 'alpha', alpha);
  return scaledElu(x, alpha, 1);
}

/** SELU's constants (Klambauer et al. 2017), as PyTorch writes them. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/** scale · elu(x, alpha) with the self-normalising constants. */
export function selu(x: d.Tensor): d.Tensor {
  expectFloat('selu', x);
  return scaledElu(x, SELU_ALPHA, SELU_SCALE);
}

/**
 * scale · (x for x > 0, alpha·(e^x − 1) otherwise). The exponential sees min(x, 0): the branch `where`
 * discards must stay finite, or its zero gradient times e^x = ∞ would poison the result with NaN.
 */
function scaledElu(x: d.Tensor, alpha: number, scale: number): d.Tensor {
  return d.tidy(() => {
    const y = d.where(d.greater(x, 0), x, d.mul(d.expm1(d.minimum(x, 0)), alpha));
    return scale === 1 ? y : d.mul(y, scale);
  });
}

/** min(max(0, x), 6); the gradient is 0 at both corners, as in PyTorch. */
export function relu6(x: d.Tensor): d.Tensor {
  expectFloat('relu6', x);
  // The constant comes first so a tie at 6 sends the gradient to it.
  return d.tidy(() => d.minimum(6, d.relu(x)));
}
