/**
 * @dendrite/layers/conformance — adapters that run the PyTorch fixture groups of this package (losses,
 * norm, lstm) through the layers themselves, for core's conformance runner:
 * `registerTorchOps(torchAdapters)`. The fixture's tensors are plugged in as the layers' parameters with
 * `withParameters`, so the recorded gradients are checked against what a training step would compute.
 */
import { alias, type Tensor } from '@dendrite/core';
import type { TorchOpAdapter } from '@dendrite/core/conformance';
import { BatchNorm } from '../layers/batch-norm.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { LSTM } from '../layers/lstm.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from '../losses/binary-cross-entropy.js';
import { crossEntropy } from '../losses/cross-entropy.js';
import { meanSquaredError } from '../losses/mean-squared-error.js';
import { negativeLogLikelihood } from '../losses/negative-log-likelihood.js';
import type { Reduction } from '../losses/reduction.js';
import { sumSquaredError } from '../losses/sum-squared-error.js';
import { withParameters } from '../module/functional.js';
import type { Module } from '../module/module.js';

const reduction = (attrs: Record<string, unknown>) => (attrs.reduction as Reduction | undefined) ?? 'mean';

/** Builds a layer, runs `fn` with it, and frees its own tensors (the fixture's stay with the runner). */
function withLayer<M extends Module, T>(layer: M, fn: (layer: M) => T): T {
  try {
    return fn(layer);
  } finally {
    layer.dispose();
  }
}

export const torchAdapters: Record<string, TorchOpAdapter> = {
  mse: (x, a) => ({ loss: meanSquaredError(x.pred, x.target, { reduction: reduction(a) }) }),
  sse: (x) => ({ loss: sumSquaredError(x.pred, x.target) }),
  binary_cross_entropy: (x, a) => ({
    loss: binaryCrossEntropy(x.pred, x.target, { reduction: reduction(a) }),
  }),
  binary_cross_entropy_with_logits: (x, a) => ({
    loss: binaryCrossEntropyWithLogits(x.logits, x.target, { reduction: reduction(a) }),
  }),
  softmax_cross_entropy: (x, a) => ({
    loss: crossEntropy(x.logits, x.labels ?? x.target, { reduction: reduction(a) }),
  }),
  nll: (x, a) => ({ loss: negativeLogLikelihood(x.logProbs, x.labels, { reduction: reduction(a) }) }),

  batchnorm: (x, a) =>
    withLayer(
      new BatchNorm(x.gamma.shape[0], {
        momentum: (a.momentum as number | undefined) ?? 0.1,
        eps: (a.epsilon as number | undefined) ?? 1e-5,
      }),
      (bn) => {
        bn.train(Boolean(a.training));
        bn.loadStateDict({ runningMean: x.runningMean, runningVar: x.runningVar }, { strict: false });
        const y = withParameters(bn, { gamma: x.gamma, beta: x.beta }, () => bn.forward(x.x));
        return { y, runningMean: alias(bn.runningMean.value), runningVar: alias(bn.runningVar.value) };
      },
    ),

  layernorm: (x, a) =>
    withLayer(new LayerNorm(x.gamma.shape[0], { eps: (a.epsilon as number | undefined) ?? 1e-5 }), (ln) => ({
      y: withParameters(ln, { gamma: x.gamma, beta: x.beta }, () => ln.forward(x.x)),
    })),

  lstm: (x, a) =>
    withLayer(new LSTM(x.W.shape[0], Number(a.hidden ?? x.U.shape[0])), (lstm) => {
      const params = { kernel: x.W, recurrentKernel: x.U, bias: x.b };
      const initial: { h?: Tensor; c?: Tensor } = { h: x.h0, c: x.c0 };
      const { y, h, c } = withParameters(lstm, params, () => lstm.forwardWithState(x.x, initial));
      return { y, h, c };
    }),
};
