/**
 * The textbook error of the delta rule, `E = ½ Σ (t − o)²` over every element, whose gradient
 * `∂E/∂o = o − t` is the familiar `−(t − o)`.
 */
import { mul, square, sub, sum, type Tensor, tidy } from '@dendrite/core';
import { expectSameShape } from './reduction.js';

export function sumSquaredError(output: Tensor, target: Tensor): Tensor {
  expectSameShape('sumSquaredError', ['output', output], ['target', target]);
  return tidy(() => mul(sum(square(sub(target, output))), 0.5));
}
