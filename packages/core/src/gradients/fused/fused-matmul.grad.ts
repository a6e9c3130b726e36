/** Gradient of fusedMatmul: the activation's derivative (through the output), then matmul's gradient. */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { tidy } from '../../memory.js';
import type { FusedMatmulAttrs } from '../../ops/fused/fused-matmul.js';
import { sumTo } from '../../ops/reduce.js';
import { matmulGrads } from '../matmul.grad.js';
import { activationGrad } from './activation-grad.js';

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
