/**
 * The full state of a training run — model (or parameters), optimizer state, random streams, data
 * positions, epoch, step, schedule and callback state, the epoch's running means and the history — as
 * tensors plus one JSON body, so `train({ checkpoint, resume })` continues an interrupted run with results
 * bit-identical to a run that was never interrupted (on the same backend).
 *
 * optim depends on core only, so it does not write files: a `TrainingStateStore` does (the atomic,
 * checksummed folder store is `trainingStateFolder` in `@dendrite/layers/node`). JSON cannot hold NaN,
 * ±Infinity or −0, so numbers are encoded (`{ "$number": "NaN" }`) and decoded exactly.
 */
import * as d from '@dendrite/core';
import { DendriteError, getDefaultRng, type Rng, type RngState, type Tensor } from '@dendrite/core';
import { Averages, type AveragesState } from './averages.js';
import type { History } from './callbacks.js';
import type { DataSource } from './data-source.js';
import { positiveInteger } from './hyper.js';
import type { LoopState } from './loop-state.js';
import type { ResolvedTraining } from './train-options.js';

/** A saved state that does not fit the run it is loaded into, or that is not a training state at all. */
export class TrainingStateError extends DendriteError {}

/** What a store keeps: tensors (saved as they are) and a JSON body. */
export interface SavedTraining {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly body: unknown;
}

/**
 * Where training states go. `save` must be atomic (a crash keeps the previous state whole) and `load`
 * must refuse a damaged state with a typed error; it returns null when nothing was saved yet. Loaded
 * tensors belong to the caller.
 */
export interface TrainingStateStore {
  save(state: SavedTraining): Promise<void>;
  load(): Promise<SavedTraining | null>;
  /** for messages */
  readonly location?: string;
}

/** A model whose whole state (buffers such as batch-norm statistics too) is saved: a layers `Module`. */
export interface StatefulModel {
  stateDict(): Record<string, Tensor>;
  loadStateDict(state: Readonly<Record<string, Tensor>>): void;
}

export interface CheckpointOptions {
  readonly store: TrainingStateStore;
  /** also save after every this many steps (default: only at the end of each epoch) */
  readonly every?: number;
  /** save at the end of each epoch (default true) */
  readonly atEpochEnd?: boolean;
  /** its state dict is saved (default: only the optimizer's parameters, which misses buffers) */
  readonly model?: StatefulModel;
  /**
   * Random streams the run draws from, saved and restored in place: e.g. the `Rng` given to layers for
   * their initialisation and dropout. Core's default stream (`getDefaultRng()`) is always included.
   */
  readonly rngs?: Readonly<Record<string, Rng>>;
  /** JSON the caller wants back when resuming (the CLI keeps its options here) */
  readonly info?: Readonly<Record<string, unknown>>;
}

/** A data source that can be positioned (`DataLoader` is one): its epoch counter is saved too. */
interface SeekableData {
  readonly epoch: number;
  seek(epoch: number, step?: number): void;
}

function isSeekable(source: unknown): source is SeekableData {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as SeekableData).seek === 'function' &&
    typeof (source as SeekableData).epoch === 'number'
  );
}

export const TRAINING_STATE_FORMAT = 'dendrite-training-state';
export const TRAINING_STATE_VERSION = 1;

/** Where a saved run is: `step` steps of `epoch` done (0: the epoch has not started). */
interface Position {
  readonly epoch: number;
  readonly step: number;
  readonly globalStep: number;
  readonly stepsPerEpoch: number | null;
  readonly stopRequested: boolean;
}

/** What the epoch at `position.epoch` started from. */
interface EpochStart {
  /** the loop's stream before the epoch's forks */
  readonly rng: RngState;
  readonly dataEpoch: number | null;
  readonly validationEpoch: number | null;
  /** the lr logged for the epoch (set at its start) */
  readonly lr: number;
}

interface Body {
  readonly format: typeof TRAINING_STATE_FORMAT;
  readonly version: number;
  readonly position: Position;
  readonly epochStart: EpochStart | null;
  readonly averages: AveragesState | null;
  readonly baseLr: number;
  readonly optimizer: {
    readonly name: string;
    readonly lr: number;
    readonly iterations: number;
    readonly names: readonly string[];
    readonly steps: Readonly<Record<string, number>>;
    readonly buffers: readonly string[];
  };
  readonly history: History;
  readonly rngs: Readonly<Record<string, RngState>>;
  readonly callbacks: readonly ({ readonly values: unknown; readonly tensors: number } | null)[];
  readonly model: 'module' | 'parameters';
  readonly info: Readonly<Record<string, unknown>>;
}

// ---- exact JSON numbers ----

/** A JSON-safe copy: NaN, ±Infinity and −0 become `{ "$number": "…" }`. */
export function encodeNumbers(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $number: 'NaN' };
    if (value === Number.POSITIVE_INFINITY) return { $number: 'Infinity' };
    if (value === Number.NEGATIVE_INFINITY) return { $number: '-Infinity' };
    if (Object.is(value, -0)) return { $number: '-0' };
    return value;
  }
  if (Array.isArray(value)) return value.map(encodeNumbers);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeNumbers(v);
    return out;
  }
  return value;
}

const SPECIAL: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
};

/** The inverse of `encodeNumbers`. */
export function decodeNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNumbers);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const tag = (value as { $number?: unknown }).$number;
    if (keys.length === 1 && typeof tag === 'string' && tag in SPECIAL) return SPECIAL[tag];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeNumbers(v);
    return out;
  }
  return value;
}

// ---- saving and restoring a run ----

/** What the loop needs to continue an epoch that a saved run was in the middle of. */
export interface ResumePoint {
  /** steps of the epoch already done */
  readonly step: number;
  readonly averages: Averages;
  readonly epochLr: number;
}

/**
 * Saves a run's state at step and epoch boundaries, and restores a saved one into a fresh run (new model,
 * optimizer and callback objects built the same way).
 */
export class TrainingCheckpoint<B> {
  private readonly every: number | undefined;
  private readonly atEpochEnd: boolean;
  private epochStart: EpochStart | null = null;

  constructor(
    private readonly run: ResolvedTraining<B>,
    private readonly options: CheckpointOptions | undefined,
  ) {
    if (options !== undefined) {
      if (options === null || typeof options.store?.save !== 'function') {
        throw new TrainingStateError(
          'train',
          'checkpoint.store must be a TrainingStateStore ({ save, load })',
        );
      }
      this.every =
        options.every === undefined ? undefined : positiveInteger('train', 'checkpoint.every', options.every);
      this.atEpochEnd = options.atEpochEnd ?? true;
    } else {
      this.atEpochEnd = false;
    }
  }

  private rngs(): Record<string, Rng> {
    return { ...(this.options?.rngs ?? {}), default: getDefaultRng() };
  }

  /** Call at the start of each epoch, before the loop forks its stream for the epoch. */
  epochStarting(rng: Rng, lr: number): void {
    this.epochStart = {
      rng: rng.getState(),
      dataEpoch: sourceEpoch(this.run.data),
      validationEpoch: sourceEpoch(this.run.validation?.data),
      lr,
    };
  }

  /** After each step (its callbacks done): saves every `every` steps. */
  async afterStep(state: LoopState, step: number, averages: Averages, baseLr: number): Promise<void> {
    if (this.every === undefined || state.globalStep % this.every !== 0) return;
    await this.save(state, { step, averages }, baseLr, null);
  }

  /** After each epoch (its callbacks done; `state.epoch` still the finished one). */
  async afterEpoch(state: LoopState, rng: Rng, baseLr: number): Promise<void> {
    if (!this.atEpochEnd) return;
    await this.save(state, null, baseLr, rng);
  }

  /**
   * Writes the state. Mid-epoch (`inEpoch`): position `state.epoch` with `inEpoch.step` steps done and
   * the epoch's start; at an epoch's end: the next epoch, not started, which starts from `rng` as it is.
   */
  private async save(
    state: LoopState,
    inEpoch: { step: number; averages: Averages } | null,
    baseLr: number,
    rng: Rng | null,
  ): Promise<void> {
    const { optimizer } = this.run;
    const position: Position = {
      epoch: inEpoch ? state.epoch : state.epoch + 1,
      step: inEpoch ? inEpoch.step : 0,
      globalStep: state.globalStep,
      stepsPerEpoch: state.stepsPerEpoch ?? null,
      stopRequested: state.stopRequested,
    };
    const epochStart: EpochStart | null = inEpoch
      ? this.epochStart
      : {
          rng: rng!.getState(),
          dataEpoch: sourceEpoch(this.run.data),
          validationEpoch: sourceEpoch(this.run.validation?.data),
          lr: optimizer.lr,
        };
    const tensors: Record<string, Tensor> = {};
    const model = this.options?.model;
    if (model) {
      for (const [k, t] of Object.entries(model.stateDict())) tensors[`model.${k}`] = t;
    } else {
      optimizer.params.forEach((ref, i) => {
        tensors[`param.${optimizer.names[i]}`] = ref.value;
      });
    }
    const dict = optimizer.stateDict();
    for (const [k, t] of Object.entries(dict.tensors)) tensors[`optimizer.${k}`] = t;
    const callbacks = this.run.callbacks.map((c, i) => {
      if (!c.saveState) return null;
      const saved = c.saveState();
      (saved.tensors ?? []).forEach((t, k) => {
        tensors[`callback.${i}.${k}`] = t;
      });
      return { values: saved.values, tensors: saved.tensors?.length ?? 0 };
    });
    const body: Body = {
      format: TRAINING_STATE_FORMAT,
      version: TRAINING_STATE_VERSION,
      position,
      epochStart,
      averages: inEpoch ? inEpoch.averages.getState() : null,
      baseLr,
      optimizer: {
        name: optimizer.name,
        lr: optimizer.lr,
        iterations: optimizer.iterations,
        names: [...optimizer.names],
        steps: dict.steps,
        buffers: optimizer.bufferNames(),
      },
      history: state.history,
      rngs: Object.fromEntries(Object.entries(this.rngs()).map(([k, r]) => [k, r.getState()])),
      callbacks,
      model: model ? 'module' : 'parameters',
      info: this.options?.info ?? {},
    };
    // encodeNumbers copies the body (history included) before the store's first await.
    await this.options!.store.save({ tensors, body: encodeNumbers(body) });
  }

  /**
   * Restores `saved` into the fresh run: model or parameters, optimizer, callbacks, random streams, data
   * positions and the loop's state (mutated in place). Returns where the loop goes on: a point inside
   * `state.epoch`, or null when that epoch has not started. The tensors stay the caller's.
   */
  restore(saved: SavedTraining, state: LoopState, rng: Rng): { resume: ResumePoint | null; baseLr: number } {
    const body = checkBody(decodeNumbers(saved.body), saved.tensors);
    const { optimizer } = this.run;
    const op = 'train (resume)';
    const fail = (message: string): never => {
      throw new TrainingStateError(op, message);
    };
    if (body.optimizer.name !== optimizer.name) {
      fail(`the state was saved with ${body.optimizer.name}, this run uses ${optimizer.name}`);
    }
    if (body.optimizer.names.join('\u0000') !== optimizer.names.join('\u0000')) {
      fail(
        `the state's parameters [${body.optimizer.names.join(', ')}] are not this optimizer's [${optimizer.names.join(', ')}]`,
      );
    }
    if (body.optimizer.buffers.join(',') !== optimizer.bufferNames().join(',')) {
      fail(
        `the state keeps buffers [${body.optimizer.buffers.join(', ')}], this ${optimizer.name} keeps [${optimizer.bufferNames().join(', ')}] (different settings?)`,
      );
    }
    const model = this.options?.model;
    if ((body.model === 'module') !== (model !== undefined)) {
      fail(
        body.model === 'module'
          ? 'the state holds a whole model: pass it as checkpoint.model'
          : 'the state holds only the parameters, but checkpoint.model was given',
      );
    }
    const callbacks = this.run.callbacks;
    if (body.callbacks.length !== callbacks.length) {
      fail(
        `the state has ${body.callbacks.length} callbacks' state, this run has ${callbacks.length} callbacks`,
      );
    }
    callbacks.forEach((c, i) => {
      if ((body.callbacks[i] !== null) !== (typeof c.loadState === 'function')) {
        fail(
          `callback ${i} does not match the saved one (its state is ${body.callbacks[i] ? 'saved' : 'absent'})`,
        );
      }
    });
    const rngs = this.rngs();
    for (const name of Object.keys(rngs)) {
      if (!(name in body.rngs)) fail(`the state has no random stream '${name}'`);
    }
    const prefixed = (prefix: string) => {
      const out: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(saved.tensors))
        if (k.startsWith(prefix)) out[k.slice(prefix.length)] = t;
      return out;
    };

    // Everything checked that can be without touching the run; now change it.
    if (model) model.loadStateDict(prefixed('model.'));
    else {
      const params = prefixed('param.');
      optimizer.params.forEach((ref, i) => {
        const t = params[optimizer.names[i]];
        if (!t) fail(`the state has no parameter '${optimizer.names[i]}'`);
        if (!d.shapesEqual(t.shape, ref.value.shape) || t.dtype !== ref.value.dtype) {
          fail(
            `parameter '${optimizer.names[i]}' was saved as ${t.dtype}[${t.shape.join(', ')}], this run has ${ref.value.dtype}[${ref.value.shape.join(', ')}]`,
          );
        }
      });
      optimizer.params.forEach((ref, i) => {
        const requiresGrad = ref.value.requiresGrad;
        const next = d.keep(d.detach(params[optimizer.names[i]]));
        ref.value.dispose();
        ref.value = next;
        if (requiresGrad) ref.value.requiresGrad = true;
      });
    }
    optimizer.loadStateDict({
      lr: body.optimizer.lr,
      iterations: body.optimizer.iterations,
      steps: body.optimizer.steps,
      tensors: prefixed('optimizer.'),
    });
    callbacks.forEach((c, i) => {
      const entry = body.callbacks[i];
      if (!entry) return;
      const tensors = Array.from({ length: entry.tensors }, (_, k) => saved.tensors[`callback.${i}.${k}`]);
      c.loadState!({ values: entry.values as Record<string, unknown>, tensors });
    });
    for (const [name, r] of Object.entries(rngs)) r.setState(body.rngs[name]);

    const { position, epochStart } = body;
    state.epoch = position.epoch;
    state.globalStep = position.globalStep;
    state.stepsPerEpoch = position.stepsPerEpoch ?? undefined;
    state.stopRequested = position.stopRequested;
    const history = state.history as unknown as Record<string, unknown>;
    for (const k of Object.keys(history)) delete history[k];
    Object.assign(history, structuredClone(body.history));
    if (epochStart) {
      rng.setState(epochStart.rng);
      seek(this.run.data, epochStart.dataEpoch, position.step);
      seek(this.run.validation?.data, epochStart.validationEpoch, 0);
    }
    const resume =
      position.step > 0 && epochStart
        ? {
            step: position.step,
            averages: averagesFrom(body.averages),
            epochLr: epochStart.lr,
          }
        : null;
    return { resume, baseLr: body.baseLr };
  }
}

/** Skips the batches a resumed epoch already trained on, for a source that cannot `seek`. */
export async function skipBatches<B>(
  source: DataSource<B>,
  it: Iterator<B> | AsyncIterator<B>,
  count: number,
): Promise<void> {
  if (isSeekable(source)) return;
  for (let i = 0; i < count; i++) {
    // In a scope: tensors a generator makes for the skipped batch are freed (an array's are the caller's).
    const done = await d.tidy(async () => (await it.next()).done);
    if (done) {
      throw new TrainingStateError(
        'train (resume)',
        `the data ended after ${i} batches, but the saved run had done ${count} in this epoch`,
      );
    }
  }
}

function sourceEpoch(source: unknown): number | null {
  return isSeekable(source) ? source.epoch : null;
}

function seek(source: unknown, epoch: number | null, step: number): void {
  if (!isSeekable(source)) return;
  if (epoch === null) {
    throw new TrainingStateError('train (resume)', 'the state has no position for this data loader');
  }
  source.seek(epoch, step);
}

function averagesFrom(state: AveragesState | null): Averages {
  return state ? Averages.fromState(state) : new Averages();
}

/** The body's shape checked, so a hand-edited or foreign file fails here, named, not deep in the loop. */
function checkBody(value: unknown, tensors: Readonly<Record<string, Tensor>>): Body {
  const op = 'train (resume)';
  const fail = (what: string): never => {
    throw new TrainingStateError(op, `not a Dendrite training state: ${what}`);
  };
  if (value === null || typeof value !== 'object') fail('the body is not an object');
  const b = value as Partial<Body>;
  if (b.format !== TRAINING_STATE_FORMAT) fail(`format is ${JSON.stringify(b.format)}`);
  if (b.version !== TRAINING_STATE_VERSION) {
    fail(`version ${String(b.version)}; this Dendrite reads version ${TRAINING_STATE_VERSION}`);
  }
  const p = b.position;
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (
    !p ||
    !count(p.epoch) ||
    !count(p.step) ||
    !count(p.globalStep) ||
    typeof p.stopRequested !== 'boolean'
  ) {
    fail('a bad position');
  }
  if (!b.optimizer || typeof b.optimizer.name !== 'string' || !Array.isArray(b.optimizer.names)) {
    fail('a bad optimizer entry');
  }
  if (!b.history || !Array.isArray(b.history.epochs)) fail('a bad history');
  if (!Array.isArray(b.callbacks) || !b.rngs || typeof b.rngs !== 'object') fail('bad callbacks or rngs');
  if (typeof b.baseLr !== 'number') fail('no base learning rate');
  for (const [i, c] of (b.callbacks ?? []).entries()) {
    for (let k = 0; c && k < c.tensors; k++) {
      if (!tensors[`callback.${i}.${k}`]) fail(`tensor 'callback.${i}.${k}' is missing`);
    }
  }
  return b as Body;
}
