/** Gradient of softmax cross-entropy for the logits and for the (soft) targets. */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { mul, sub } from '../../ops/arithmetic.js';
import { sum } from '../../ops/reduce.js';
import { expandDims } from '../../ops/reshape.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import { neg } from '../../ops/unary.js';

export const softmaxCrossEntropyGradients: readonly GradientConfig[] = [
  {
    op: 'softmaxCrossEntropy',
    grad: (dy, [z, t], _y, needed) => {
      const d = expandDims(dy, -1);
      return [
        // d/dz = softmax(z) * sum_c t - t (reduces to softmax - t for normalised targets)
        needed[0] ? mul(d, sub(mul(softmax(z, -1), sum(t, -1, true)), t)) : null,
        needed[1] ? neg(mul(d, logSoftmax(z, -1))) : null,
      ];
    },
  },
];
