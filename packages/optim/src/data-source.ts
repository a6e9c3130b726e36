/** Where the training loop's batches come from: arrays, (async) iterables, or a function per epoch. */
import { ArgumentError, type Rng } from '@dendrite/core';

export type Batches<B> = Iterable<B> | AsyncIterable<B>;

/**
 * Batches for one epoch: an iterable that can be iterated again each epoch (an array), or a function
 * returning a fresh one per epoch (it receives the epoch and a seeded Rng, e.g. to shuffle).
 */
export type DataSource<B> = Batches<B> | ((context: { epoch: number; rng: Rng }) => Batches<B>);

function isAsyncIterable<B>(x: unknown): x is AsyncIterable<B> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x;
}

/** The batches of `epoch`; `what` names the option in errors ('data', 'validation.data'). */
export function openBatches<B>(source: DataSource<B>, epoch: number, rng: Rng, what: string): Batches<B> {
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

export function iteratorOf<B>(batches: Batches<B>): Iterator<B> | AsyncIterator<B> {
  return isAsyncIterable<B>(batches) ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
}

/** The number of batches when it is known before iterating (arrays). */
export function knownLength(batches: Batches<unknown>): number | undefined {
  return Array.isArray(batches) ? batches.length : undefined;
}
