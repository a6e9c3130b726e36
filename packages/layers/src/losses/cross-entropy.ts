/**
 * Softmax cross-entropy from logits `[..., C]` (PyTorch's `cross_entropy`): with int32 class indices
 * `[...]`, or with float32 targets `[..., C]` (one-hot or soft probabilities):
 * `−Σ_c t_c · log softmax(z)_c` per example, then the reduction over examples. Runs core's fused
 * `softmaxCrossEntropy`, stable for large logits.
 */
import { oneHot, reshape, softmaxCrossEntropy, type Tensor, tidy } from '@dendrite/core';
import { expectLabels, expectSameShape, type LossOptions, reduceLoss } from './reduction.js';

export function crossEntropy(logits: Tensor, labels: Tensor, options: LossOptions = {}): Tensor {
  const op = 'crossEntropy';
  if (labels.dtype === 'int32') expectLabels(op, ['logits', logits], labels);
  else expectSameShape(op, ['logits', logits], ['target', labels]);
  const classes = logits.shape[logits.rank - 1];
  const examples = logits.shape.slice(0, -1);
  return tidy(() => {
    // Class indices outside [0, C) one-hot to a zero row: they contribute no loss.
    const target = labels.dtype === 'int32' ? oneHot(labels, classes) : labels;
    const perExample = softmaxCrossEntropy(reshape(logits, [-1, classes]), reshape(target, [-1, classes]));
    return reduceLoss(op, reshape(perExample, examples), options.reduction);
  });
}
