/** Mean squared error, `mean((output - target)²)`. */
import { square, sub, type Tensor, tidy } from '@dendrite/core';
import { expectSameShape, type LossOptions, reduceLoss } from './reduction.js';

export function meanSquaredError(output: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = 'meanSquaredError';
  expectSameShape(op, ['output', output], ['target', target]);
  return tidy(() => reduceLoss(op, square(sub(output, target)), options.reduction));
}
