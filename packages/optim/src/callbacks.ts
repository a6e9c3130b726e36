/**
 * The callback API of the training loop — the one users write and the one early stopping and
 * reduce-on-plateau are built on. A callback is an object with any of the hooks below (each may be
 * async; the loop awaits it). Hooks run in list order: the built-in callbacks made from `earlyStopping`
 * and a `ReduceLrOnPlateau` schedule first, then `callbacks` as given.
 */
import type { Tensor } from '@dendrite/core';
import type { EpochLogs } from './averages.js';
import type { Optimizer } from './optimizer.js';
import type { ParameterRef } from './parameter-ref.js';

export interface ProgressEvent {
  readonly type: 'step' | 'epochEnd';
  /** 0-based */
  readonly epoch: number;
  readonly epochs: number;
  /** steps done in this epoch (1-based) */
  readonly step: number;
  /** undefined until known (an iterable without a length, in its first epoch) */
  readonly stepsPerEpoch: number | undefined;
  /** 'step': this batch's loss; 'epochEnd': the epoch's mean */
  readonly loss: number;
  /** 'step': this batch's metrics; 'epochEnd': every epoch log (validation included) */
  readonly metrics: Readonly<Record<string, number>>;
  readonly lr: number;
}

export interface History {
  /** one entry per completed epoch */
  readonly epochs: (EpochLogs & { epoch: number })[];
  readonly steps: number;
  /** a callback (early stopping, or one calling `stop()`) ended training before its last epoch */
  readonly stoppedEarly: boolean;
  /** the epoch early stopping judged best (when it was used; −1: no epoch had a finite value) */
  readonly bestEpoch?: number;
  /** whether the best parameters were put back */
  readonly restoredBest: boolean;
  /** steps whose loss was NaN or ±Infinity (with `onNonFinite: 'skip' | 'continue'`) */
  readonly nonFiniteSteps: number;
}

/** What every hook receives: the run's optimizer and parameters, its progress, and its controls. */
export interface TrainContext {
  readonly optimizer: Optimizer;
  /** the parameters being trained (read each tensor through `ref.value`) */
  readonly params: readonly ParameterRef[];
  /** the run so far (the loop keeps it up to date) */
  readonly history: History;
  /** Ends training after the current step (or epoch); the history says `stoppedEarly`. */
  stop(): void;
  /** Adds a callback's findings to the history (early stopping: `bestEpoch`, `restoredBest`). */
  record(fields: { readonly bestEpoch?: number; readonly restoredBest?: boolean }): void;
}

export interface TrainCallbacks {
  onTrainBegin?(context: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, context: TrainContext): void | Promise<void>;
  /** after each step's update, with the step's loss and metrics (already read) */
  onStep?(event: ProgressEvent, context: TrainContext): void | Promise<void>;
  /** after each epoch (validation included): the epoch's logs */
  onEpochEnd?(epoch: number, logs: Readonly<EpochLogs>, context: TrainContext): void | Promise<void>;
  /** when training ends normally (epochs done, or stopped): the final history */
  onTrainEnd?(history: History, context: TrainContext): void | Promise<void>;
  /**
   * When training ends with an error (a diverged loss included) instead of `onTrainEnd`: release what
   * the callback holds, or put back a good state. The error is rethrown after every callback ran.
   */
  onTrainError?(error: unknown, context: TrainContext): void | Promise<void>;
  /**
   * What the callback remembers, saved with the training state (`checkpoint`) so a resumed run goes on
   * as if never interrupted. A callback without it is assumed to remember nothing.
   */
  saveState?(): CallbackState;
  /** Puts a saved state back (after `onTrainBegin` of the resumed run); the tensors stay the caller's. */
  loadState?(state: CallbackState): void;
}

/** A callback's saved state: JSON values (NaN and ±Infinity allowed) and the tensors it holds. */
export interface CallbackState {
  readonly values: Readonly<Record<string, unknown>>;
  readonly tensors?: readonly Tensor[];
}

/** Another name for one callback object. */
export type TrainCallback = TrainCallbacks;

/** Runs one hook of every callback, in order. */
export async function emit(
  callbacks: readonly TrainCallbacks[],
  hook: (c: TrainCallbacks) => void | Promise<void>,
): Promise<void> {
  for (const c of callbacks) await hook(c);
}
