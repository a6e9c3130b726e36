/** Gradient of fusedMatmul: the activation's derivative (through the output), then matmul's gradient. */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import type { FusedActivation } from '../../backend.js';
import { tidy } from '../../memory.js';
import { mul, sub } from '../../ops/arithmetic.js';
import { castTo } from '../../ops/cast.js';
import { greater, less, logicalAnd } from '../../ops/compare.js';
import type { FusedMatmulAttrs } from '../../ops/fused/fused-matmul.js';
import { sumTo } from '../../ops/reduce.js';
import { square } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import { matmulGrads } from '../matmul.grad.js';

/** d activation / dz expressed through the output y (so z need not be kept). */
function activationGrad(dy: Tensor, y: Tensor, activation: FusedActivation): Tensor {
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

export const fusedMatmulGradients: readonly GradientConfig<FusedMatmulAttrs>[] = [
  {
    op: 'fusedMatmul',
    grad: (dy, [a, b], y, needed, { activation, transposeA, transposeB, biasShape }) =>
      tidy(() => {
        const dz = activationGrad(dy, y, activation);
        const [dA, dB] = matmulGrads(dz, a, b, transposeA, transposeB, needed);
        return [dA, dB, biasShape && needed[2] ? sumTo(dz, biasShape) : null];
      }),
  },
];
