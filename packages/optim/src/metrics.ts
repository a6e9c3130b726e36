/**
 * Metrics for the training loop. A metric maps the model's output for a batch (what the loss function
 * returned as `output`) and the batch itself to a scalar tensor: the metric's mean over the batch.
 */
import * as d from '@dendrite/core';
import { ShapeError, type Tensor } from '@dendrite/core';

export type Metric<B> = (output: Tensor, batch: B) => Tensor;

const fmt = (t: Tensor) => `${t.dtype}[${t.shape.join(', ')}]`;

/**
 * Share of examples whose highest-scoring class (argmax of the output's last axis) is the target's:
 * integer labels `[N]`, or one-hot / probability rows `[N, C]` (their argmax).
 */
export function accuracy<B>(target: (batch: B) => Tensor): Metric<B> {
  return (output, batch) =>
    d.tidy(() => {
      const t = target(batch);
      const labels = t.rank === output.rank ? d.argmax(t, -1) : t;
      if (!d.shapesEqual(labels.shape, output.shape.slice(0, -1))) {
        throw new ShapeError(
          'accuracy',
          `output ${fmt(output)} needs labels of shape [${output.shape.slice(0, -1).join(', ')}] or one-hot rows like the output, got ${fmt(t)}`,
        );
      }
      const predicted = d.argmax(output, -1);
      return d.mean(d.castTo(d.equal(predicted, d.castTo(labels, 'int32')), 'float32'));
    });
}

/**
 * Share of elements on the right side of `threshold`: output > threshold predicts 1, compared with
 * target > 0.5. Use threshold 0.5 for probabilities, 0 for logits.
 */
export function binaryAccuracy<B>(target: (batch: B) => Tensor, threshold = 0.5): Metric<B> {
  return (output, batch) =>
    d.tidy(() => {
      const t = target(batch);
      if (t.size !== output.size) {
        throw new ShapeError('binaryAccuracy', `output ${fmt(output)} and target ${fmt(t)} differ in size`);
      }
      const predicted = d.greater(output, threshold);
      const actual = d.greater(d.reshape(d.castTo(t, 'float32'), output.shape), 0.5);
      return d.mean(d.castTo(d.equal(d.castTo(predicted, 'int32'), d.castTo(actual, 'int32')), 'float32'));
    });
}
