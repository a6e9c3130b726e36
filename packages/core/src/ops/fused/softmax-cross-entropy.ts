/** Softmax cross-entropy from logits, per example: the classifier's loss in one stable op. Gradient: gradients/. */
import { DTypeError, fmtShape, ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor } from '../../validate.js';
import { mul } from '../arithmetic.js';
import { sum } from '../reduce.js';
import { logSoftmax } from '../softmax.js';
import { neg } from '../unary.js';
import { runFused } from '../with-default.js';

/**
 * `-sum_c target[n, c] * logSoftmax(logits)[n, c]` for `logits` and `target` (probabilities, one-hot or
 * soft) of shape `[N, C]`; result `[N]`.
 */
export function softmaxCrossEntropy(logits: Tensor, target: Tensor): Tensor {
  const op = 'softmaxCrossEntropy';
  checkTensor(op, 'logits', logits);
  checkTensor(op, 'target', target);
  if (logits.dtype !== 'float32' || target.dtype !== 'float32') {
    throw new DTypeError(
      op,
      `got logits ${logits.dtype} and target ${target.dtype}; expected float32 (one-hot encode integer labels)`,
    );
  }
  if (
    logits.rank !== 2 ||
    target.rank !== 2 ||
    logits.shape[0] !== target.shape[0] ||
    logits.shape[1] !== target.shape[1]
  ) {
    throw new ShapeError(
      op,
      `logits ${fmtShape(logits.shape)} and target ${fmtShape(target.shape)} must both be [N, C]`,
    );
  }
  const out = { shape: [logits.shape[0]], dtype: 'float32' as const };
  return runFused({
    op,
    inputs: [logits, target],
    out,
    kernel: (b) => (b.softmaxCrossEntropy ? ([kl, kt]) => b.softmaxCrossEntropy!(kl, kt, out) : null),
    fallback: () => neg(sum(mul(target, logSoftmax(logits, -1)), -1)),
  });
}
