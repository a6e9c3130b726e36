/**
 * Gradients of batchNorm for x, mean, variance, gamma and beta (the batch statistics are inputs too),
 * and of batchNormTraining, whose statistics are the batch moments of x: with x̂ = (x − mean)·rstd and n
 * elements per channel, dx = gamma·rstd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n), dgamma = Σ(dy·x̂), dbeta = Σdy.
 */
import { isGradEnabled } from '../../autograd/grad-mode.js';
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import type { BatchNormAttrs } from '../../ops/fused/batch-norm.js';
import { sum } from '../../ops/reduce.js';
import { backendOf, wrap } from '../../ops/run-kernel.js';
import { rsqrt, square } from '../../ops/unary.js';
import { sizeOf } from '../../shape.js';

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
  {
    op: 'batchNormTraining',
    grad: (dy, [x, m, v, g], _y, needed, { eps, reduceAxes }) => {
      const backend = backendOf('batchNormTraining', [dy, x, m, v, g]);
      // The backend's two passes over x and dy (same rounding); the composition below allocates about
      // eight tensors of x's size. While recording (a gradient of this gradient) the ops keep the tape.
      if (backend.batchNormTrainingGrad && !isGradEnabled()) {
        const [kdy, kx, km, kv, kg] = [dy, x, m, v, g].map((t) => t.kernelView('batchNormTraining'));
        const ids = backend.batchNormTrainingGrad(kdy, kx, km, kv, kg, eps);
        const [dx, dgamma, dbeta] = ids.map((id, i) => {
          const t = wrap(backend, id, { shape: i === 0 ? x.shape : g.shape, dtype: 'float32' });
          if (needed[[0, 3, 4][i]]) return t;
          t.dispose();
          return null;
        });
        return [dx, null, null, dgamma, dbeta];
      }
      const n = sizeOf(reduceAxes.map((a) => x.shape[a]));
      const rstd = rsqrt(add(v, eps));
      const xhat = mul(sub(x, m), rstd);
      const dbeta = sum(dy, reduceAxes);
      const dgamma = sum(mul(dy, xhat), reduceAxes);
      const dx = needed[0]
        ? mul(sub(sub(dy, mul(dbeta, 1 / n)), mul(xhat, mul(dgamma, 1 / n))), mul(g, rstd))
        : null;
      return [dx, null, null, needed[3] ? dgamma : null, needed[4] ? dbeta : null];
    },
  },
];
