/**
 * Gradient of fusedActivationGrad (double backward through a fused layer): dz = dy · s(y) with the slope
 * s(y) of ops/fused/activation-gradient.ts, so d/d(dy) is g · s(y), the same op on g, and d/dy is
 * g · dy · s'(y): 0 for relu and relu6 (piecewise constant), 1 − 2y for sigmoid, −2y for tanh.
 */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { tidy } from '../../memory.js';
import { mul, sub } from '../../ops/arithmetic.js';
import { type FusedActivationGradAttrs, fusedActivationGrad } from '../../ops/fused/activation-gradient.js';

export const fusedActivationGradGradients: readonly GradientConfig<FusedActivationGradAttrs>[] = [
  {
    op: 'fusedActivationGrad',
    grad: (g, [dy, y], _out, needed, { activation }) =>
      tidy(() => {
        const dDy = needed[0] ? fusedActivationGrad(g, y, activation) : null;
        let dY = null;
        if (needed[1] && activation === 'sigmoid') dY = mul(mul(g, dy), sub(1, mul(y, 2)));
        if (needed[1] && activation === 'tanh') dY = mul(mul(g, dy), mul(y, -2));
        return [dDy, dY];
      }),
  },
];
