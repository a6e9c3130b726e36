/**
 * Every op's gradient, one file per op family, keyed by op name (as tfjs-core's `gradients/*_grad.ts`).
 * autograd/backward.ts registers them, so whoever can call backward has them.
 */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { arithmeticGradients } from './arithmetic.grad.js';
import { convGradients } from './conv.grad.js';
import { fusedActivationGradGradients } from './fused/activation-gradient.grad.js';
import { batchNormGradients } from './fused/batch-norm.grad.js';
import { fusedConv2dGradients } from './fused/fused-conv2d.grad.js';
import { fusedMatmulGradients } from './fused/fused-matmul.grad.js';
import { lstmCellGradients } from './fused/lstm-cell.grad.js';
import { lstmSequenceGradients } from './fused/lstm-sequence.grad.js';
import { softmaxCrossEntropyGradients } from './fused/softmax-cross-entropy.grad.js';
import { gatherGradients } from './gather.grad.js';
import { layoutGradients } from './layout.grad.js';
import { matmulGradients } from './matmul.grad.js';
import { poolGradients } from './pool.grad.js';
import { reduceGradients } from './reduce.grad.js';
import { softmaxGradients } from './softmax.grad.js';
import { unaryGradients } from './unary.grad.js';
import { whereGradients } from './where.grad.js';

export const ALL_GRADIENTS: readonly GradientConfig[] = [
  ...arithmeticGradients,
  ...unaryGradients,
  ...reduceGradients,
  ...layoutGradients,
  ...whereGradients,
  ...gatherGradients,
  ...matmulGradients,
  ...convGradients,
  ...poolGradients,
  ...softmaxGradients,
  ...batchNormGradients,
  ...fusedMatmulGradients,
  ...fusedConv2dGradients,
  ...fusedActivationGradGradients,
  ...lstmCellGradients,
  ...lstmSequenceGradients,
  ...softmaxCrossEntropyGradients,
];
