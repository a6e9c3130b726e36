/**
 * Negative log-likelihood of int32 class indices under log-probabilities `[..., C]` (e.g. a
 * `logSoftmax` output): `−logProbs[n, label_n]`, then the reduction over examples (PyTorch's `nll_loss`).
 * A label outside [0, C) raises `IndexError` (see crossEntropy for when, on asynchronous backends).
 */
import { checkIndexRange, mul, neg, oneHot, sum, type Tensor, tidy } from '@dendrite/core';
import { expectLabels, type LossOptions, reduceLoss } from './reduction.js';

export function negativeLogLikelihood(logProbs: Tensor, labels: Tensor, options: LossOptions = {}): Tensor {
  const op = 'negativeLogLikelihood';
  expectLabels(op, ['logProbs', logProbs], labels);
  checkIndexRange(op, 'labels', labels, logProbs.shape[logProbs.rank - 1]);
  return tidy(() => {
    const picked = sum(mul(oneHot(labels, logProbs.shape[logProbs.rank - 1]), logProbs), -1);
    return reduceLoss(op, neg(picked), options.reduction);
  });
}
