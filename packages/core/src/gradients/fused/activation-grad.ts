/** The derivative of a fused epilogue activation, shared by fusedMatmul's and fusedConv2d's gradients. */
import type { FusedActivation } from '../../backend.js';
import { mul, sub } from '../../ops/arithmetic.js';
import { castTo } from '../../ops/cast.js';
import { greater, less, logicalAnd } from '../../ops/compare.js';
import { square } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';

/** d activation / dz expressed through the output y (so z need not be kept). */
export function activationGrad(dy: Tensor, y: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return mul(dy, castTo(greater(y, 0), 'float32'));
    case 'relu6':
      return mul(dy, castTo(logicalAnd(greater(y, 0), less(y, 6)), 'float32'));
    case 'sigmoid':
      return mul(dy, mul(y, sub(1, y)));
    case 'tanh':
      return mul(dy, sub(1, square(y)));
  }
}
