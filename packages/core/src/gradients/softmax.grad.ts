/** Gradients of softmax and log-softmax, through their outputs (the inputs are not kept). */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { mul, sub } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import type { SoftmaxAttrs } from '../ops/softmax.js';
import { exp } from '../ops/unary.js';

export const softmaxGradients: readonly GradientConfig<SoftmaxAttrs>[] = [
  // dx = y * (dy - sum(dy * y))
  {
    op: 'softmax',
    savesInputs: false,
    grad: (dy, _x, y, _n, { axis }) => [mul(y, sub(dy, sum(mul(dy, y), axis, true)))],
  },
  // dx = dy - softmax * sum(dy)
  {
    op: 'logSoftmax',
    savesInputs: false,
    grad: (dy, _x, y, _n, { axis }) => [sub(dy, mul(exp(y), sum(dy, axis, true)))],
  },
];
