/** Gradient of batchNorm for x, mean, variance, gamma and beta (the batch statistics are inputs too). */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import type { BatchNormAttrs } from '../../ops/fused/batch-norm.js';
import { sum } from '../../ops/reduce.js';
import { rsqrt, square } from '../../ops/unary.js';

export const batchNormGradients: readonly GradientConfig<BatchNormAttrs>[] = [
  {
    op: 'batchNorm',
    grad: (dy, [x, m, v, g], _y, needed, { eps, reduceAxes }) => {
      const rstd = rsqrt(add(v, eps));
      const centered = sub(x, m);
      const dxhat = mul(dy, g);
      return [
        needed[0] ? mul(dxhat, rstd) : null,
        needed[1] ? mul(sum(dxhat, reduceAxes), mul(rstd, -1)) : null,
        needed[2] ? mul(sum(mul(dxhat, centered), reduceAxes), mul(-0.5, mul(rstd, square(rstd)))) : null,
        needed[3] ? sum(mul(dy, mul(centered, rstd)), reduceAxes) : null,
        needed[4] ? sum(dy, reduceAxes) : null,
      ];
    },
  },
];
