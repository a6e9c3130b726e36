/**
 * The options of `train()` and their resolution: every option checked once, defaults applied, and the
 * built-in callbacks (early stopping, reduce-on-plateau) made, so the loop itself only runs.
 */
import { ArgumentError, type Tensor } from '@dendrite/core';
import type { LossResult } from './batch-values.js';
import type { ProgressEvent, TrainCallbacks } from './callbacks.js';
import type { DataSource } from './data-source.js';
import { NON_FINITE_POLICIES, type NonFinitePolicy } from './divergence.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { positiveInteger } from './hyper.js';
import type { Metric } from './metrics.js';
import type { Optimizer } from './optimizer.js';
import { listParameters, type ParameterRef, type ParameterSet } from './parameter-ref.js';
import { ReduceLrOnPlateau } from './reduce-on-plateau.js';
import type { LrSchedule } from './schedules.js';
import type { CheckpointOptions, SavedTraining, TrainingStateStore } from './training-state.js';

export interface TrainOptions<B> {
  /** the loss of one batch: a one-element tensor (or `{ loss, output }` to feed metrics) */
  readonly loss: (batch: B) => Tensor | LossResult;
  readonly optimizer: Optimizer;
  readonly data: DataSource<B>;
  readonly epochs: number;
  /** the parameters to differentiate (default: the optimizer's; each must belong to it) */
  readonly params?: ParameterSet;
  /** stop each epoch after this many steps (for endless streams) */
  readonly stepsPerEpoch?: number;
  readonly metrics?: Readonly<Record<string, Metric<B>>>;
  /** evaluated after each epoch without a graph; metrics default to the training metrics */
  readonly validation?: {
    readonly data: DataSource<B>;
    readonly metrics?: Readonly<Record<string, Metric<B>>>;
  };
  readonly callbacks?: TrainCallbacks | readonly TrainCallbacks[];
  /** shorthand for an `EarlyStopping` callback */
  readonly earlyStopping?: EarlyStoppingOptions;
  /** an `LrSchedule` (applied per `scheduleUnit`) or a `ReduceLrOnPlateau` (a callback, after each epoch) */
  readonly schedule?: LrSchedule | ReduceLrOnPlateau;
  /** default 'epoch' */
  readonly scheduleUnit?: 'epoch' | 'step';
  /** clip the gradients to this global norm before each update */
  readonly clipNorm?: number;
  /** clamp every gradient element into [−clipValue, clipValue] (before clipNorm) */
  readonly clipValue?: number;
  /** seeds the Rng given to data functions (default 0) */
  readonly seed?: number;
  /**
   * A loss that is NaN or ±Infinity: 'stop' (default) throws `DivergenceError` naming the epoch and step
   * before that step's update; 'skip' drops the update and goes on; 'continue' applies it.
   */
  readonly onNonFinite?: NonFinitePolicy;
  /**
   * Check every op's output for NaN/±Infinity during the run (core's `setCheckNumerics`): the first op
   * that makes one is named in the `DivergenceError`. Costly (a read of every intermediate on cpu/wasm);
   * for finding a divergence, not for normal runs.
   */
  readonly checkNumerics?: boolean;
  readonly onProgress?: (event: ProgressEvent) => void;
  /**
   * Save the full training state (model or parameters, optimizer, random streams, data positions,
   * epoch, step, schedule and callback state) to a store at each epoch's end and every `every` steps.
   */
  readonly checkpoint?: CheckpointOptions;
  /**
   * Continue a saved run: `true` loads from `checkpoint.store` (refused when it holds nothing), `'auto'`
   * does when it holds something (a preemptible job), or give a store or a loaded state. The run must be
   * built as the saved one was (same model, optimizer, callbacks, data); the result is bit-identical to
   * a run that was never interrupted, on the same backend.
   */
  readonly resume?: boolean | 'auto' | TrainingStateStore | SavedTraining;
}

/** The options checked and completed: what the step, the evaluation and the loop read. */
export interface ResolvedTraining<B> {
  readonly lossFn: (batch: B) => Tensor | LossResult;
  readonly optimizer: Optimizer;
  readonly data: DataSource<B>;
  readonly epochs: number;
  readonly refs: readonly ParameterRef[];
  readonly cap: number | undefined;
  readonly metrics: Readonly<Record<string, Metric<B>>>;
  readonly validation:
    | { readonly data: DataSource<B>; readonly metrics: Readonly<Record<string, Metric<B>>> }
    | undefined;
  /** built-in callbacks first, then the user's */
  readonly callbacks: readonly TrainCallbacks[];
  readonly lrSchedule: LrSchedule | null;
  readonly perStep: boolean;
  readonly clipNorm: number | undefined;
  readonly clipValue: number | undefined;
  readonly seed: number;
  readonly onNonFinite: NonFinitePolicy;
  readonly checkNumerics: boolean;
  readonly onProgress: ((event: ProgressEvent) => void) | undefined;
  readonly checkpoint: CheckpointOptions | undefined;
  readonly resume: boolean | 'auto' | TrainingStateStore | SavedTraining;
}

export function resolveTrainOptions<B>(options: TrainOptions<B>): ResolvedTraining<B> {
  const { optimizer, loss: lossFn } = options;
  const epochs = positiveInteger('train', 'epochs', options.epochs);
  const cap =
    options.stepsPerEpoch === undefined
      ? undefined
      : positiveInteger('train', 'stepsPerEpoch', options.stepsPerEpoch);
  if (typeof lossFn !== 'function') throw new ArgumentError('train', 'loss must be a function of a batch');
  const refs = options.params ? listParameters('train', options.params).refs : [...optimizer.params];
  for (const ref of refs) {
    if (!optimizer.params.includes(ref)) {
      throw new ArgumentError('train', "every parameter in params must be one of the optimizer's parameters");
    }
  }
  if (
    options.scheduleUnit !== undefined &&
    options.scheduleUnit !== 'epoch' &&
    options.scheduleUnit !== 'step'
  ) {
    throw new ArgumentError(
      'train',
      `scheduleUnit must be 'epoch' or 'step', got '${String(options.scheduleUnit)}'`,
    );
  }
  const onNonFinite = options.onNonFinite ?? 'stop';
  if (!NON_FINITE_POLICIES.includes(onNonFinite)) {
    throw new ArgumentError(
      'train',
      `onNonFinite must be ${NON_FINITE_POLICIES.map((p) => `'${p}'`).join(', ')}; got '${String(onNonFinite)}'`,
    );
  }
  const metrics = options.metrics ?? {};
  const user =
    options.callbacks === undefined
      ? []
      : Array.isArray(options.callbacks)
        ? options.callbacks
        : [options.callbacks as TrainCallbacks];
  const schedule = options.schedule;
  const builtIn: TrainCallbacks[] = [];
  if (schedule instanceof ReduceLrOnPlateau) builtIn.push(schedule);
  else if (schedule !== undefined && typeof schedule !== 'function') {
    throw new ArgumentError('train', 'schedule must be an LrSchedule function or a ReduceLrOnPlateau');
  }
  if (options.earlyStopping) builtIn.push(new EarlyStopping(options.earlyStopping));
  return {
    lossFn,
    optimizer,
    data: options.data,
    epochs,
    refs,
    cap,
    metrics,
    validation: options.validation
      ? { data: options.validation.data, metrics: options.validation.metrics ?? metrics }
      : undefined,
    callbacks: [...builtIn, ...user],
    lrSchedule: typeof schedule === 'function' ? schedule : null,
    perStep: (options.scheduleUnit ?? 'epoch') === 'step',
    clipNorm: options.clipNorm,
    clipValue: options.clipValue,
    seed: options.seed ?? 0,
    onNonFinite,
    checkNumerics: options.checkNumerics ?? false,
    onProgress: options.onProgress,
    checkpoint: options.checkpoint,
    resume: options.resume ?? false,
  };
}
