/**
 * The training loop's state as one explicit object: where the run is (epoch, steps), what it has
 * learned about its data (steps per epoch) and what it will return (the history). The loop only reads and
 * advances it, so a run can be inspected between epochs, or its state saved and restored.
 */
import type { History } from './callbacks.js';

export type MutableHistory = { -readonly [K in keyof History]: History[K] };

export interface LoopState {
  /** the next epoch to run (0-based) */
  epoch: number;
  /** steps completed in the whole run */
  globalStep: number;
  /** known once an epoch ran or the data has a length (capped by `stepsPerEpoch`) */
  stepsPerEpoch: number | undefined;
  /** set by `stop()`: the loop ends after the current step */
  stopRequested: boolean;
  readonly history: MutableHistory;
}

export function initialLoopState(stepsPerEpoch: number | undefined): LoopState {
  return {
    epoch: 0,
    globalStep: 0,
    stepsPerEpoch,
    stopRequested: false,
    history: { epochs: [], steps: 0, stoppedEarly: false, restoredBest: false, nonFiniteSteps: 0 },
  };
}
