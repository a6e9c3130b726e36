/**
 * Binary cross-entropy, `−[t·log p + (1 − t)·log(1 − p)]`, from probabilities (each log clamped at −100,
 * as PyTorch, so p = 0 or 1 gives a finite loss) or, numerically stable, from logits:
 * `softplus(z) − z·t` with softplus(z) = z + log(1 + e^−z) for z > 0 and log(1 + e^z) otherwise.
 */
import {
  add,
  exp,
  greater,
  log,
  log1p,
  maximum,
  mul,
  neg,
  sub,
  type Tensor,
  tidy,
  where,
} from '@dendrite/core';
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
    // Two smooth branches picked by `where`, each fed only its own side of 0 (the branch `where` discards
    // must stay finite, or its zero gradient times e^z = ∞ gives NaN). Not relu(z) + log1p(e^−|z|): the
    // kinks of relu and abs at z = 0 give the gradient −t there instead of σ(0) − t = 0.5 − t.
    const positive = greater(logits, 0);
    const zPos = where(positive, logits, 0);
    const zNeg = where(positive, 0, logits);
    const softplus = where(positive, add(zPos, log1p(exp(neg(zPos)))), log1p(exp(zNeg)));
    const perElement = sub(softplus, mul(logits, target));
    return reduceLoss(op, perElement, options.reduction);
  });
}
