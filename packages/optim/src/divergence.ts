/**
 * Divergence: a training loss that became NaN or ±Infinity. By default the loop stops with
 * `DivergenceError` naming the epoch and the step, before the bad step's update reaches the parameters;
 * `onNonFinite: 'skip'` drops that step's update and goes on, `'continue'` applies it anyway.
 */
import { NonFiniteError } from '@dendrite/core';

export type NonFinitePolicy = 'stop' | 'skip' | 'continue';

export const NON_FINITE_POLICIES: readonly NonFinitePolicy[] = ['stop', 'skip', 'continue'];

export class DivergenceError extends NonFiniteError {
  constructor(
    message: string,
    /** 0-based epoch */
    readonly epoch: number,
    /** 1-based step within the epoch */
    readonly step: number,
    /** the loss read (NaN or ±Infinity), or undefined when `checkNumerics` stopped the step first */
    readonly loss: number | undefined,
    options?: { cause?: unknown },
  ) {
    super('train', message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

const where = (epoch: number, step: number, globalStep: number) =>
  `epoch ${epoch}, step ${step} (step ${globalStep} of the run)`;

export function lossDiverged(epoch: number, step: number, globalStep: number, loss: number): DivergenceError {
  return new DivergenceError(
    `the loss became ${loss} at ${where(epoch, step, globalStep)}; training stopped before that step's update. ` +
      "Lower the learning rate, clip the gradients (clipNorm), or find the op with checkNumerics: true; onNonFinite: 'skip' or 'continue' goes on",
    epoch,
    step,
    loss,
  );
}

export function opDiverged(
  epoch: number,
  step: number,
  globalStep: number,
  cause: NonFiniteError,
): DivergenceError {
  return new DivergenceError(
    `a non-finite value appeared at ${where(epoch, step, globalStep)}, first in op '${cause.op}': ${cause.message.slice(cause.op.length + 2)}`,
    epoch,
    step,
    undefined,
    { cause },
  );
}
