/**
 * Batches of tensors from a data set: seeded shuffling, drop-last, per-sample transforms, and the next
 * batch prepared on the host while the current one is in use.
 *
 * Ownership: the loader owns every batch it yields. A batch stays valid until the consumer asks for the
 * next one (or leaves the loop, by `break` or an error); the loader then disposes it. Read what you need
 * to keep (`await batch.y.data()`) before the next iteration. Disposing a batch yourself is harmless.
 */
import { ArgumentError, dispose, keep, type Rng, type Tensor, tensor } from '@dendrite/core';
import { checkPositiveInt } from './check-args.js';
import type { Dataset } from './dataset.js';
import { hostDType, type Sample } from './host-tensor.js';
import { derivedRng, STREAM } from './random-streams.js';
import { stackSamples } from './stack-samples.js';
import type { Transform } from './transforms/transform.js';

/** A batch: each field of the samples stacked along a new first axis. */
export type Batch<K extends string = string> = { readonly [key in K]: Tensor };

export interface DataLoaderOptions {
  /** Samples per batch (default 32). */
  readonly batchSize?: number;
  /** Visit samples in a new random order each epoch (default false). */
  readonly shuffle?: boolean;
  /** Seed of the shuffles and of the random transforms (default 0). */
  readonly seed?: number;
  /** Leave out the last batch when it would be smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
  /** Applied to each sample, in order, before batching. */
  readonly transforms?: readonly Transform[];
  /** Batches prepared ahead of the one in use (default 1; 0 prepares each batch on demand). */
  readonly prefetch?: number;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * `K` names the fields of the data set's samples; `Out` those of the batches, when transforms add fields
 * (e.g. `gaussianNoise({ as: 'noisy' })`: `new DataLoader<'x' | 'y', 'x' | 'y' | 'noisy'>(…)`).
 */
export class DataLoader<K extends string = string, Out extends string = K>
  implements AsyncIterable<Batch<Out>>
{
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly transforms: readonly Transform[];
  private nextEpoch = 0;
  /** batches the next epoch skips (set by `seek`) */
  private nextFrom = 0;

  constructor(
    readonly dataset: Dataset<Sample<K>>,
    options: DataLoaderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 32;
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
    this.prefetch = options.prefetch ?? 1;
    this.transforms = options.transforms ?? [];
    checkPositiveInt('DataLoader', 'batchSize', this.batchSize);
    if (!(Number.isInteger(this.prefetch) && this.prefetch >= 0)) {
      throw new ArgumentError('DataLoader', `prefetch must be an integer >= 0, got ${this.prefetch}`);
    }
    if (!Number.isFinite(this.seed)) {
      throw new ArgumentError('DataLoader', `seed ${this.seed} must be finite`);
    }
  }

  /** Batches in one epoch. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The epoch the next `for await` over the loader will run (each loop over it is one epoch). */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** The order in which epoch `epoch` visits the samples. */
  order(epoch: number): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return derivedRng(this.seed, epoch, STREAM.shuffle).permutation(n);
    return Int32Array.from({ length: n }, (_, i) => i);
  }

  [Symbol.asyncIterator](): AsyncGenerator<Batch<Out>, void, undefined> {
    const from = this.nextFrom;
    this.nextFrom = 0;
    return this.batches(this.nextEpoch++, from);
  }

  /**
   * Makes the next loop over the loader run epoch `epoch` starting at batch `step` (0-based), as the
   * loop of an interrupted run would have: the training loop calls it when it resumes a saved run.
   */
  seek(epoch: number, step = 0): void {
    checkEpoch('DataLoader.seek', epoch);
    checkStep('DataLoader.seek', step, this.length);
    this.nextEpoch = epoch;
    this.nextFrom = step;
  }

  /**
   * The batches of epoch `epoch` (the same ones every time for the same seed), from batch `from` on:
   * the batches before it are not prepared, yet each later batch is exactly what a full epoch yields.
   */
  async *batches(epoch: number, from = 0): AsyncGenerator<Batch<Out>, void, undefined> {
    checkEpoch('DataLoader.batches', epoch);
    const order = this.order(epoch);
    const count = this.length;
    checkStep('DataLoader.batches', from, count);
    // One stream per batch, forked in batch order when the batch starts: augmentations do not depend on
    // which prefetched batch finishes first (nor on whether earlier batches were skipped).
    const augment = derivedRng(this.seed, epoch, STREAM.augment);
    for (let i = 0; i < from; i++) augment.fork();
    const pending: Promise<Settled<Sample<Out>>>[] = [];
    let started = from;
    const start = () => {
      const indices = order.subarray(started * this.batchSize, (started + 1) * this.batchSize);
      started++;
      pending.push(
        this.prepare(indices, augment.fork()).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      );
    };
    let current: Batch<Out> | null = null;
    try {
      while (started < count || pending.length > 0) {
        if (pending.length === 0) start();
        const settled = await pending.shift()!;
        if (!settled.ok) throw settled.error;
        while (started < count && pending.length < this.prefetch) start();
        current = upload(settled.value);
        yield current;
        dispose(current);
        current = null;
      }
    } finally {
      dispose(current);
    }
  }

  private async prepare(indices: Int32Array, rng: Rng): Promise<Sample<Out>> {
    const samples = await Promise.all(Array.from(indices, (i) => this.dataset.get(i)));
    const transformed = samples.map((s) => this.transforms.reduce<Sample>((acc, t) => t(acc, rng), s));
    return stackSamples(transformed as Sample<Out>[], 'DataLoader');
  }
}

function checkEpoch(op: string, epoch: number): void {
  if (!(Number.isInteger(epoch) && epoch >= 0)) {
    throw new ArgumentError(op, `epoch must be an integer >= 0, got ${epoch}`);
  }
}

function checkStep(op: string, step: number, count: number): void {
  if (!(Number.isInteger(step) && step >= 0 && step <= count)) {
    throw new ArgumentError(op, `step must be an integer in [0, ${count}] (batches per epoch), got ${step}`);
  }
}

/** Uploads each field; `keep` so that a `tidy` around the consumer's step does not free the batch. */
function upload<K extends string>(host: Sample<K>): Batch<K> {
  const batch = {} as Record<K, Tensor>;
  try {
    for (const key of Object.keys(host) as K[]) {
      const field = host[key];
      batch[key] = keep(tensor(field.data, field.shape, hostDType(field)));
    }
  } catch (e) {
    dispose(batch);
    throw e;
  }
  return batch;
}
