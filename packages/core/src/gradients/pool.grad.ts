/** Gradients of max and average pooling: their contract gradient kernels. */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { avgPool2dGrad, maxPool2dGrad, type PoolGradAttrs } from '../ops/pool.js';

export const poolGradients: readonly GradientConfig<PoolGradAttrs>[] = [
  { op: 'maxPool2d', grad: (dy, [x], _y, _n, { pool }) => [maxPool2dGrad(dy, x, pool)] },
  {
    op: 'avgPool2d',
    savesInputs: false,
    grad: (dy, _x, _y, _n, { pool, inShape }) => [avgPool2dGrad(dy, pool, inShape)],
  },
];
