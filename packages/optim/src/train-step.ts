/**
 * One optimisation step: draw a batch, forward, back-propagate, clip, read the loss and metrics (one
 * read), update. Everything runs inside one `tidy`, so a step leaves nothing behind but the new
 * parameters and optimizer state. The read comes before the update, so a NaN or infinite loss can be
 * refused before it reaches the parameters (`onNonFinite`).
 */
import * as d from '@dendrite/core';
import { ArgumentError, NonFiniteError, type Tensor } from '@dendrite/core';
import type { BatchResult } from './averages.js';
import { asLossResult, checkLoss, metricTensors, readBatch } from './batch-values.js';
import { clipByGlobalNorm, clipByValue } from './clip-gradients.js';
import { lossDiverged, opDiverged } from './divergence.js';
import type { ParameterRef } from './parameter-ref.js';
import type { ResolvedTraining } from './train-options.js';

/** Where a step is in the run, for its errors. */
export interface StepPosition {
  /** 0-based epoch */
  readonly epoch: number;
  /** 1-based step within the epoch */
  readonly step: number;
  /** 1-based step within the run */
  readonly globalStep: number;
}

export interface StepResult extends BatchResult {
  /** false when the loss was NaN or ±Infinity */
  readonly finite: boolean;
  /** whether the optimizer's update was applied */
  readonly updated: boolean;
}

/** The gradients of `loss` for `refs`, clipped as asked, by parameter. */
function gradients<B>(run: ResolvedTraining<B>, loss: Tensor): Map<ParameterRef, Tensor | null> {
  const values = run.refs.map((r) => r.value);
  let grads = d.backward(loss, undefined, values);
  const present = grads.filter((g): g is Tensor => g !== null);
  let clipped = present;
  if (run.clipValue !== undefined) clipped = clipByValue(clipped, run.clipValue);
  if (run.clipNorm !== undefined) clipped = clipByGlobalNorm(clipped, run.clipNorm);
  if (clipped !== present) {
    let k = 0;
    grads = grads.map((g) => (g === null ? null : clipped[k++]));
  }
  return new Map(run.refs.map((r, i) => [r, grads[i]]));
}

/**
 * Runs one step on the next batch of `it`; null when the data ran out. Throws `DivergenceError` for a
 * non-finite loss under `onNonFinite: 'stop'`, and for any op `checkNumerics` caught.
 */
export function trainStep<B>(
  run: ResolvedTraining<B>,
  it: Iterator<B> | AsyncIterator<B>,
  at: StepPosition,
): Promise<StepResult | null> {
  return d.tidy(async () => {
    // Drawn inside the scope: tensors a generator makes for this batch are freed with the step.
    const next = await it.next();
    if (next.done) return null;
    const batch = next.value;
    try {
      for (const r of run.refs) if (!r.value.requiresGrad) r.value.requiresGrad = true;
      const result = d.enableGrad(() => asLossResult(run.lossFn(batch)));
      const loss = checkLoss(result.loss);
      if (!loss.requiresGrad) {
        throw new ArgumentError('train', 'the loss does not depend on any trainable parameter');
      }
      const grads = gradients(run, loss);
      const metrics = metricTensors(run.metrics, result.output, batch);
      const values = await readBatch(loss, run.metrics, metrics, result.output);
      const finite = Number.isFinite(values.loss);
      if (!finite && run.onNonFinite === 'stop') {
        throw lossDiverged(at.epoch, at.step, at.globalStep, values.loss);
      }
      const update = finite || run.onNonFinite === 'continue';
      if (update) run.optimizer.step(grads);
      return { ...values, finite, updated: update };
    } catch (e) {
      if (e instanceof NonFiniteError && e.op !== 'train') {
        throw opDiverged(at.epoch, at.step, at.globalStep, e);
      }
      throw e;
    }
  });
}
