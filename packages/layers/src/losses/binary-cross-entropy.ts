/**
 * Binary cross-entropy, `−[t·log p + (1 − t)·log(1 − p)]`, from probabilities (each log clamped at −100,
 * as PyTorch, so p = 0 or 1 gives a finite loss) or, numerically stable, from logits:
 * `max(z, 0) − z·t + log(1 + e^−|z|)`.
 */
import { abs, add, exp, log, log1p, maximum, mul, neg, relu, sub, type Tensor, tidy } from '@dendrite/core';
import { expectSameShape, type LossOptions, reduceLoss } from './reduction.js';

const LOG_FLOOR = -100;

export function binaryCrossEntropy(probabilities: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  expectSameShape(op, ['probabilities', probabilities], ['target', target]);
  return tidy(() => {
    const logP = maximum(log(probabilities), LOG_FLOOR);
    const log1mP = maximum(log1p(neg(probabilities)), LOG_FLOOR);
    const perElement = neg(add(mul(target, logP), mul(sub(1, target), log1mP)));
    return reduceLoss(op, perElement, options.reduction);
  });
}

export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  options: LossOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  expectSameShape(op, ['logits', logits], ['target', target]);
  return tidy(() => {
    const perElement = add(sub(relu(logits), mul(logits, target)), log1p(exp(neg(abs(logits)))));
    return reduceLoss(op, perElement, options.reduction);
  });
}
