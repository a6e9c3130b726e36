/**
 * A batch's loss and metrics, from the loss function's result to numbers: the checks on what the loss
 * function returned, the metric tensors, and the single read that brings them all back. One read per
 * batch, because each read is a synchronisation point on a GPU; pending label and numerics checks ride
 * along in it (core's `readScalars`).
 */
import * as d from '@dendrite/core';
import { ArgumentError, type Tensor } from '@dendrite/core';
import type { BatchResult } from './averages.js';
import type { Metric } from './metrics.js';

/** What a loss function may return: the loss alone, or with the model's output (for metrics). */
export interface LossResult {
  readonly loss: Tensor;
  readonly output?: Tensor;
}

export function asLossResult(r: Tensor | LossResult): LossResult {
  return r instanceof d.Tensor ? { loss: r } : r;
}

export function checkLoss(loss: unknown): Tensor {
  if (!(loss instanceof d.Tensor)) {
    throw new ArgumentError('train', 'the loss function must return a tensor or { loss: Tensor, output? }');
  }
  if (loss.size !== 1 || loss.dtype !== 'float32') {
    throw new ArgumentError(
      'train',
      `the loss must be a one-element float32 tensor, got ${loss.dtype}[${loss.shape.join(', ')}]`,
    );
  }
  return loss;
}

/** The metric tensors of a batch (no graph), in the order of `Object.keys(metrics)`. */
export function metricTensors<B>(
  metrics: Readonly<Record<string, Metric<B>>>,
  output: Tensor | undefined,
  batch: B,
): Tensor[] {
  const names = Object.keys(metrics);
  if (names.length === 0) return [];
  if (!output) {
    throw new ArgumentError(
      'train',
      `metrics (${names.join(', ')}) need the model's output: return { loss, output } from the loss function`,
    );
  }
  return d.noGrad(() =>
    names.map((n) => {
      const m = metrics[n](output, batch);
      if (!(m instanceof d.Tensor) || m.size !== 1) {
        throw new ArgumentError('train', `metric '${n}' must return a one-element tensor`);
      }
      return m;
    }),
  );
}

const batchSize = (output: Tensor | undefined) => (output && output.rank > 0 ? output.shape[0] : 1);

/** Reads the loss and every metric in one read. */
export async function readBatch<B>(
  loss: Tensor,
  metrics: Readonly<Record<string, Metric<B>>>,
  tensors: readonly Tensor[],
  output: Tensor | undefined,
): Promise<BatchResult> {
  const [lossValue, ...values] = await d.readScalars([loss, ...tensors]);
  const names = Object.keys(metrics);
  const byName: Record<string, number> = {};
  names.forEach((n, i) => {
    byName[n] = values[i];
  });
  return { loss: lossValue, metrics: byName, size: batchSize(output) };
}
