/**
 * Softmax cross-entropy from logits `[..., C]` (PyTorch's `cross_entropy`): with int32 class indices
 * `[...]`, or with float32 targets `[..., C]` (one-hot or soft probabilities):
 * `−Σ_c t_c · log softmax(z)_c` per example, then the reduction over examples. Runs core's fused
 * `softmaxCrossEntropy`, stable for large logits. A class index outside [0, C) raises `IndexError`
 * naming the loss and the value (as PyTorch); on an asynchronous backend the check rides along with the
 * next read, e.g. the training loop's loss read (core's checks/index-range.ts: no extra synchronisation).
 */
import { checkIndexRange, oneHot, reshape, softmaxCrossEntropy, type Tensor, tidy } from '@dendrite/core';
import { expectLabels, expectSameShape, type LossOptions, reduceLoss } from './reduction.js';

export function crossEntropy(logits: Tensor, labels: Tensor, options: LossOptions = {}): Tensor {
  const op = 'crossEntropy';
  const classes = logits.shape[logits.rank - 1];
  if (labels.dtype === 'int32') {
    expectLabels(op, ['logits', logits], labels);
    checkIndexRange(op, 'labels', labels, classes);
  } else expectSameShape(op, ['logits', logits], ['target', labels]);
  const examples = logits.shape.slice(0, -1);
  return tidy(() => {
    const target = labels.dtype === 'int32' ? oneHot(labels, classes) : labels;
    const perExample = softmaxCrossEntropy(reshape(logits, [-1, classes]), reshape(target, [-1, classes]));
    return reduceLoss(op, reshape(perExample, examples), options.reduction);
  });
}
