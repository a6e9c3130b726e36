/**
 * The training loop — "loop until tired": draw a batch, forward, back-propagate, update — with epochs,
 * validation, metrics, callbacks, learning-rate schedules and progress events. Its parts live apart:
 * option resolution (train-options.ts), the step (train-step.ts), evaluation (evaluate.ts), the loop's
 * state (loop-state.ts) and the callback API (callbacks.ts), on which early stopping and reduce-on-plateau
 * are built like any user callback. It takes structural types only (any loss function over any batches),
 * so it needs neither layers nor data. Every step runs inside `tidy` (memory stays flat) and reads back
 * once (`readScalars`: loss and metrics together), so async-only backends (WebGPU) run it unchanged and
 * synchronise once per step.
 */
import * as d from '@dendrite/core';
import { ArgumentError, Rng } from '@dendrite/core';
import { Averages, type EpochLogs } from './averages.js';
import { emit, type History, type ProgressEvent, type TrainContext } from './callbacks.js';
import { iteratorOf, knownLength, openBatches } from './data-source.js';
import { evaluate } from './evaluate.js';
import { initialLoopState, type LoopState } from './loop-state.js';
import { type ResolvedTraining, resolveTrainOptions, type TrainOptions } from './train-options.js';
import { trainStep } from './train-step.js';
import {
  type ResumePoint,
  type SavedTraining,
  skipBatches,
  TrainingCheckpoint,
  TrainingStateError,
} from './training-state.js';

function isSaved(x: unknown): x is SavedTraining {
  return typeof x === 'object' && x !== null && 'tensors' in x && 'body' in x;
}

/** The state `resume` asks for, or null to start afresh. */
async function savedState<B>(run: ResolvedTraining<B>): Promise<SavedTraining | null> {
  const { resume } = run;
  if (resume === false) return null;
  if (isSaved(resume)) return resume;
  const store = resume === true || resume === 'auto' ? run.checkpoint?.store : resume;
  if (!store || typeof store.load !== 'function') {
    throw new TrainingStateError('train', 'resume: true needs checkpoint.store (or pass a store as resume)');
  }
  const saved = await store.load();
  if (!saved && resume !== 'auto') {
    throw new TrainingStateError(
      'train',
      `resume: there is no saved training state${store.location ? ` in ${store.location}` : ''}`,
    );
  }
  return saved;
}

/** The context every callback receives, over the loop's state. */
function contextOf(run: ResolvedTraining<unknown>, state: LoopState): TrainContext {
  return {
    optimizer: run.optimizer,
    params: run.refs,
    history: state.history,
    stop: () => {
      state.stopRequested = true;
    },
    record: (fields) => {
      if (fields.bestEpoch !== undefined) state.history.bestEpoch = fields.bestEpoch;
      if (fields.restoredBest !== undefined) state.history.restoredBest = fields.restoredBest;
    },
  };
}

/**
 * One epoch, inside one tidy scope: tensors a data function makes for this epoch are freed when it ends
 * (each step has its own inner scope). Advances `state` and appends the epoch's logs to its history.
 */
async function runEpoch<B>(
  run: ResolvedTraining<B>,
  state: LoopState,
  context: TrainContext,
  rng: Rng,
  baseLr: number,
  checkpoint: TrainingCheckpoint<B>,
  /** the saved run was inside this epoch: go on from there */
  resume: ResumePoint | null,
): Promise<void> {
  const { optimizer, cap } = run;
  const epoch = state.epoch;
  if (!resume) checkpoint.epochStarting(rng, optimizer.lr);
  const batches = openBatches(run.data, epoch, rng.fork(), 'data');
  const length = knownLength(batches);
  if (length !== undefined) state.stepsPerEpoch = cap === undefined ? length : Math.min(cap, length);
  const it = iteratorOf(batches);
  const averages = resume?.averages ?? new Averages();
  let steps = resume?.step ?? 0;
  const epochLr = resume?.epochLr ?? optimizer.lr;
  try {
    if (resume) await skipBatches(run.data, it, resume.step);
    while ((cap === undefined || steps < cap) && !state.stopRequested) {
      if (run.lrSchedule && run.perStep) optimizer.lr = run.lrSchedule(state.globalStep, baseLr);
      const position = { epoch, step: steps + 1, globalStep: state.globalStep + 1 };
      const r = await trainStep(run, it, position);
      if (!r) break;
      steps++;
      state.globalStep++;
      state.history.steps = state.globalStep;
      if (!r.finite) state.history.nonFiniteSteps++;
      // A skipped step changed nothing: it does not count in the epoch's means.
      if (r.updated) averages.add(r);
      const event: ProgressEvent = {
        type: 'step',
        epoch,
        epochs: run.epochs,
        step: steps,
        stepsPerEpoch: state.stepsPerEpoch,
        loss: r.loss,
        metrics: r.metrics,
        lr: optimizer.lr,
      };
      run.onProgress?.(event);
      await emit(run.callbacks, (c) => c.onStep?.(event, context));
      await checkpoint.afterStep(state, steps, averages, baseLr);
    }
  } finally {
    await it.return?.();
  }
  if (steps === 0) {
    throw new ArgumentError(
      'train',
      `data produced no batches in epoch ${epoch}; a generator is used up after one epoch: pass a function that returns a fresh iterable per epoch`,
    );
  }
  state.stepsPerEpoch ??= steps;
  const trained = averages.count > 0 ? averages.means() : { loss: Number.NaN };
  const validation = run.validation
    ? await evaluate({ ...run.validation, loss: run.lossFn, prefix: 'val_', epoch, rng: rng.fork() })
    : {};
  const logs: EpochLogs = { ...trained, ...validation, lr: epochLr };
  state.history.epochs.push({ epoch, ...logs });
  run.onProgress?.({
    type: 'epochEnd',
    epoch,
    epochs: run.epochs,
    step: steps,
    stepsPerEpoch: state.stepsPerEpoch,
    loss: logs.loss,
    metrics: logs,
    lr: epochLr,
  });
  await emit(run.callbacks, (c) => c.onEpochEnd?.(epoch, logs, context));
}

/**
 * Trains until the epochs run out or a callback calls `stop()` (early stopping does). A NaN or infinite
 * loss stops the run with `DivergenceError` unless `onNonFinite` says otherwise.
 */
export async function train<B>(options: TrainOptions<B>): Promise<History> {
  const run = resolveTrainOptions(options);
  const state = initialLoopState(run.cap);
  const context = contextOf(run as ResolvedTraining<unknown>, state);
  const rng = new Rng(run.seed);
  let baseLr = run.optimizer.lr;
  const checkpoint = new TrainingCheckpoint(run, run.checkpoint);
  const numericsBefore = run.checkNumerics ? d.setCheckNumerics(true) : null;
  try {
    await emit(run.callbacks, (c) => c.onTrainBegin?.(context));
    // A resumed run continues where the saved one was: mid-epoch, that epoch has begun already (its
    // schedule and onEpochBegin ran) and ends as it would have, even if a callback asked to stop.
    let resume: ResumePoint | null = null;
    const saved = await savedState(run);
    if (saved) {
      try {
        ({ resume, baseLr } = checkpoint.restore(saved, state, rng));
      } finally {
        if (!isSaved(run.resume)) d.dispose(saved.tensors);
      }
    }
    for (; state.epoch < run.epochs && (resume !== null || !state.stopRequested); state.epoch++) {
      if (!resume) {
        if (run.lrSchedule && !run.perStep) run.optimizer.lr = run.lrSchedule(state.epoch, baseLr);
        await emit(run.callbacks, (c) => c.onEpochBegin?.(state.epoch, context));
      }
      const point = resume;
      resume = null;
      await d.tidy(() => runEpoch(run, state, context, rng, baseLr, checkpoint, point));
      await checkpoint.afterEpoch(state, rng, baseLr);
    }
    if (state.stopRequested && state.history.epochs.length < run.epochs) state.history.stoppedEarly = true;
    // On an asynchronous backend the checks of the last update (checkNumerics) wait for a read: now.
    await d.settleAllChecks();
  } catch (error) {
    // Pending checks hold storage; the run's first error is the one reported.
    await d.settleAllChecks().catch(() => undefined);
    await emit(run.callbacks, (c) => c.onTrainError?.(error, context));
    throw error;
  } finally {
    if (numericsBefore !== null) d.setCheckNumerics(numericsBefore);
  }
  await emit(run.callbacks, (c) => c.onTrainEnd?.(state.history, context));
  return state.history;
}
