/**
 * Evaluation: the loss and metrics over a data source without a graph or updates, as weighted means
 * (`val_*` in the training loop). One read per batch, as in the step.
 */
import * as d from '@dendrite/core';
import { ArgumentError, Rng, type Tensor } from '@dendrite/core';
import { Averages, type EpochLogs } from './averages.js';
import { asLossResult, checkLoss, type LossResult, metricTensors, readBatch } from './batch-values.js';
import { type DataSource, iteratorOf, openBatches } from './data-source.js';
import type { Metric } from './metrics.js';

export interface EvaluateOptions<B> {
  readonly loss: (batch: B) => Tensor | LossResult;
  readonly data: DataSource<B>;
  readonly metrics?: Readonly<Record<string, Metric<B>>>;
  /** prefixed to every key of the logs (the loop uses 'val_') */
  readonly prefix?: string;
  /** passed to a data function (default 0) */
  readonly epoch?: number;
  /** passed to a data function (default: an Rng seeded with 0) */
  readonly rng?: Rng;
}

/** Mean loss and metrics over `data`, weighted by batch size (the output's first axis). */
export async function evaluate<B>(options: EvaluateOptions<B>): Promise<EpochLogs> {
  const metrics = options.metrics ?? {};
  const epoch = options.epoch ?? 0;
  const what = options.prefix === 'val_' ? 'validation.data' : 'data';
  const batches = openBatches(options.data, epoch, options.rng ?? new Rng(0), what);
  const it = iteratorOf(batches);
  const averages = new Averages();
  try {
    for (;;) {
      const r = await d.tidy(async () => {
        const next = await it.next();
        if (next.done) return null;
        const result = d.noGrad(() => asLossResult(options.loss(next.value)));
        const loss = checkLoss(result.loss);
        const tensors = metricTensors(metrics, result.output, next.value);
        return readBatch(loss, metrics, tensors, result.output);
      });
      if (!r) break;
      averages.add(r);
    }
  } finally {
    await it.return?.();
  }
  if (averages.count === 0) {
    throw new ArgumentError('train', `${what} produced no batches in epoch ${epoch}`);
  }
  return averages.means(options.prefix);
}
