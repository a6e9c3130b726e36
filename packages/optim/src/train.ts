/**
 * The training loop — "loop until tired": draw a batch, forward, back-propagate, update — with epochs,
 * validation, metrics, callbacks, early stopping, learning-rate schedules, gradient clipping and progress
 * events. It takes structural types only (any loss function over any batches), so it needs neither
 * layers nor data. Every step runs inside `tidy` (memory stays flat) and reads values only with
 * `await data()`, so async-only backends (WebGPU) run it unchanged.
 */
import * as d from '@dendrite/core';
import { ArgumentError, Rng, type Tensor } from '@dendrite/core';
import { clipByGlobalNorm, clipByValue } from './clip-gradients.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { positiveInteger } from './hyper.js';
import type { Metric } from './metrics.js';
import type { Optimizer } from './optimizer.js';
import { listParameters, type ParameterRef, type ParameterSet } from './parameter-ref.js';
import { ReduceLrOnPlateau } from './reduce-on-plateau.js';
import type { LrSchedule } from './schedules.js';

/** What a loss function may return: the loss alone, or with the model's output (for metrics). */
export interface LossResult {
  readonly loss: Tensor;
  readonly output?: Tensor;
}

export type Batches<B> = Iterable<B> | AsyncIterable<B>;

/**
 * Batches for one epoch: an iterable that can be iterated again each epoch (an array), or a function
 * returning a fresh one per epoch (it receives the epoch and a seeded Rng, e.g. to shuffle).
 */
export type DataSource<B> = Batches<B> | ((context: { epoch: number; rng: Rng }) => Batches<B>);

/** One epoch's results: 'loss', each metric, 'val_loss' and 'val_<metric>' with validation, and 'lr'. */
export type EpochLogs = Record<string, number>;

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

export interface TrainContext {
  readonly optimizer: Optimizer;
  /** Ends training after the current step (or epoch). */
  stop(): void;
}

export interface TrainCallbacks {
  onTrainBegin?(context: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, context: TrainContext): void | Promise<void>;
  onStep?(event: ProgressEvent, context: TrainContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Readonly<EpochLogs>, context: TrainContext): void | Promise<void>;
  onTrainEnd?(history: History, context: TrainContext): void | Promise<void>;
}

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
  readonly earlyStopping?: EarlyStoppingOptions;
  /** an `LrSchedule` (applied per `scheduleUnit`) or a `ReduceLrOnPlateau` (applied after each epoch) */
  readonly schedule?: LrSchedule | ReduceLrOnPlateau;
  /** default 'epoch' */
  readonly scheduleUnit?: 'epoch' | 'step';
  /** clip the gradients to this global norm before each update */
  readonly clipNorm?: number;
  /** clamp every gradient element into [−clipValue, clipValue] (before clipNorm) */
  readonly clipValue?: number;
  /** seeds the Rng given to data functions (default 0) */
  readonly seed?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface History {
  /** one entry per completed epoch */
  readonly epochs: (EpochLogs & { epoch: number })[];
  readonly steps: number;
  readonly stoppedEarly: boolean;
  /** the epoch early stopping judged best (when it was used) */
  readonly bestEpoch?: number;
  /** whether the best epoch's parameters were put back */
  readonly restoredBest: boolean;
}

interface BatchResult {
  readonly loss: number;
  readonly metrics: Record<string, number>;
  /** weight of this batch in the epoch's means: the output's first dimension, or 1 */
  readonly size: number;
}

/** Weighted means of batch results. */
class Averages {
  private readonly sums = new Map<string, number>();
  private total = 0;

  add(r: BatchResult): void {
    this.total += r.size;
    for (const [k, v] of Object.entries({ loss: r.loss, ...r.metrics })) {
      this.sums.set(k, (this.sums.get(k) ?? 0) + v * r.size);
    }
  }

  get count(): number {
    return this.total;
  }

  means(prefix = ''): EpochLogs {
    const out: EpochLogs = {};
    for (const [k, v] of this.sums) out[prefix + k] = v / this.total;
    return out;
  }
}

function isAsyncIterable<B>(x: unknown): x is AsyncIterable<B> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x;
}

function openBatches<B>(source: DataSource<B>, epoch: number, rng: Rng, what: string): Batches<B> {
  const batches = typeof source === 'function' ? source({ epoch, rng }) : source;
  const iterable =
    typeof batches === 'object' &&
    batches !== null &&
    (Symbol.iterator in batches || Symbol.asyncIterator in batches);
  if (!iterable) {
    throw new ArgumentError(
      'train',
      `${what} must be an iterable, an async iterable or a function returning one`,
    );
  }
  return batches;
}

function iteratorOf<B>(batches: Batches<B>): Iterator<B> | AsyncIterator<B> {
  return isAsyncIterable<B>(batches) ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
}

function knownLength(batches: Batches<unknown>): number | undefined {
  return Array.isArray(batches) ? batches.length : undefined;
}

function asLossResult(r: Tensor | LossResult): LossResult {
  return r instanceof d.Tensor ? { loss: r } : r;
}

function checkLoss(loss: unknown): Tensor {
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

async function readMetrics<B>(
  metrics: Readonly<Record<string, Metric<B>>>,
  output: Tensor | undefined,
  batch: B,
): Promise<Record<string, number>> {
  const names = Object.keys(metrics);
  if (names.length === 0) return {};
  if (!output) {
    throw new ArgumentError(
      'train',
      `metrics (${names.join(', ')}) need the model's output: return { loss, output } from the loss function`,
    );
  }
  const tensors = d.noGrad(() => names.map((n) => metrics[n](output, batch)));
  const values: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) values[names[i]] = (await tensors[i].data())[0];
  return values;
}

const batchSize = (output: Tensor | undefined) => (output && output.rank > 0 ? output.shape[0] : 1);

/** Trains until the epochs run out, early stopping triggers, or a callback calls `stop()`. */
export async function train<B>(options: TrainOptions<B>): Promise<History> {
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
  const callbacks =
    options.callbacks === undefined
      ? []
      : Array.isArray(options.callbacks)
        ? options.callbacks
        : [options.callbacks];
  const metrics = options.metrics ?? {};
  const validation = options.validation;
  const valMetrics = validation?.metrics ?? metrics;
  const defaultMonitor = validation ? 'val_loss' : 'loss';
  const early = options.earlyStopping ? new EarlyStopping(options.earlyStopping, defaultMonitor) : null;
  const schedule = options.schedule;
  const plateau = schedule instanceof ReduceLrOnPlateau ? schedule : null;
  const lrSchedule = typeof schedule === 'function' ? schedule : null;
  const perStep = (options.scheduleUnit ?? 'epoch') === 'step';
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
  const baseLr = optimizer.lr;
  const rng = new Rng(options.seed ?? 0);

  let stopRequested = false;
  const context: TrainContext = {
    optimizer,
    stop: () => {
      stopRequested = true;
    },
  };
  const emit = async (fn: (c: TrainCallbacks) => void | Promise<void>) => {
    for (const c of callbacks) await fn(c);
  };

  /** One optimisation step on the next batch, all inside one tidy; null when the data ran out. */
  const step = (it: Iterator<B> | AsyncIterator<B>): Promise<BatchResult | null> =>
    d.tidy(async () => {
      // Drawn inside the scope: tensors a generator makes for this batch are freed with the step.
      const next = await it.next();
      if (next.done) return null;
      const batch = next.value;
      const values = refs.map((r) => r.value);
      for (const v of values) if (!v.requiresGrad) v.requiresGrad = true;
      const result = d.enableGrad(() => asLossResult(lossFn(batch)));
      const loss = checkLoss(result.loss);
      if (!loss.requiresGrad) {
        throw new ArgumentError('train', 'the loss does not depend on any trainable parameter');
      }
      let grads = d.backward(loss, undefined, values);
      const present = grads.filter((g): g is Tensor => g !== null);
      let clipped = present;
      if (options.clipValue !== undefined) clipped = clipByValue(clipped, options.clipValue);
      if (options.clipNorm !== undefined) clipped = clipByGlobalNorm(clipped, options.clipNorm);
      if (clipped !== present) {
        let k = 0;
        grads = grads.map((g) => (g === null ? null : clipped[k++]));
      }
      const byRef = new Map<ParameterRef, Tensor | null>(refs.map((r, i) => [r, grads[i]]));
      const metricValues = await readMetrics(metrics, result.output, batch);
      optimizer.step(byRef);
      return { loss: (await loss.data())[0], metrics: metricValues, size: batchSize(result.output) };
    });

  const validate = async (epoch: number): Promise<EpochLogs> => {
    const averages = new Averages();
    const it = iteratorOf(openBatches(validation!.data, epoch, rng.fork(), 'validation.data'));
    for (;;) {
      const r = await d.tidy(async () => {
        const next = await it.next();
        if (next.done) return null;
        const result = d.noGrad(() => asLossResult(lossFn(next.value)));
        const loss = checkLoss(result.loss);
        const m = await readMetrics(valMetrics, result.output, next.value);
        return { loss: (await loss.data())[0], metrics: m, size: batchSize(result.output) };
      });
      if (!r) break;
      averages.add(r);
    }
    if (averages.count === 0)
      throw new ArgumentError('train', `validation data produced no batches in epoch ${epoch}`);
    return averages.means('val_');
  };

  const history: { -readonly [K in keyof History]: History[K] } = {
    epochs: [],
    steps: 0,
    stoppedEarly: false,
    restoredBest: false,
  };
  let globalStep = 0;
  let stepsPerEpoch: number | undefined = cap;
  /**
   * One epoch, inside one tidy scope: tensors a data function makes for this epoch are freed when it
   * ends (each step has its own inner scope). Returns true when early stopping ends training.
   */
  const runEpoch = async (epoch: number): Promise<boolean> => {
    const batches = openBatches(options.data, epoch, rng.fork(), 'data');
    const length = knownLength(batches);
    if (length !== undefined) stepsPerEpoch = cap === undefined ? length : Math.min(cap, length);
    const it = iteratorOf(batches);
    const averages = new Averages();
    let steps = 0;
    const epochLr = optimizer.lr;
    try {
      while ((cap === undefined || steps < cap) && !stopRequested) {
        if (lrSchedule && perStep) optimizer.lr = lrSchedule(globalStep, baseLr);
        const r = await step(it);
        if (!r) break;
        steps++;
        globalStep++;
        averages.add(r);
        const event: ProgressEvent = {
          type: 'step',
          epoch,
          epochs,
          step: steps,
          stepsPerEpoch,
          loss: r.loss,
          metrics: r.metrics,
          lr: optimizer.lr,
        };
        options.onProgress?.(event);
        await emit((c) => c.onStep?.(event, context));
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
    stepsPerEpoch ??= steps;
    const logs: EpochLogs = {
      ...averages.means(),
      ...(validation ? await validate(epoch) : {}),
      lr: epochLr,
    };
    history.epochs.push({ epoch, ...logs });
    history.steps = globalStep;
    options.onProgress?.({
      type: 'epochEnd',
      epoch,
      epochs,
      step: steps,
      stepsPerEpoch,
      loss: logs.loss,
      metrics: logs,
      lr: epochLr,
    });
    await emit((c) => c.onEpochEnd?.(epoch, logs, context));
    if (plateau) {
      const monitor = plateau.monitor ?? defaultMonitor;
      const value = logs[monitor];
      if (value === undefined) {
        throw new ArgumentError(
          'train',
          `ReduceLrOnPlateau monitors '${monitor}', which is not in the epoch logs (${Object.keys(logs).join(', ')})`,
        );
      }
      optimizer.lr = plateau.step(value, optimizer.lr);
    }
    if (early?.update(epoch, logs, refs)) {
      history.stoppedEarly = true;
      return true;
    }
    return false;
  };
  await emit((c) => c.onTrainBegin?.(context));

  try {
    for (let epoch = 0; epoch < epochs && !stopRequested; epoch++) {
      if (lrSchedule && !perStep) optimizer.lr = lrSchedule(epoch, baseLr);
      await emit((c) => c.onEpochBegin?.(epoch, context));
      const stoppedEarly = await d.tidy(() => runEpoch(epoch));
      if (stoppedEarly) break;
    }
  } finally {
    if (early) {
      const last = history.epochs.length - 1;
      history.restoredBest = early.finish(refs, last);
    }
  }
  const result: History = early ? { ...history, bestEpoch: early.bestEpoch } : history;
  await emit((c) => c.onTrainEnd?.(result, context));
  return result;
}
