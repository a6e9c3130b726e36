/**
 * Independent random streams derived from one seed: the stream for (seed, epoch, purpose) is a pure
 * function of those three numbers, so epoch 7's shuffle is the same whether or not epochs 0-6 ran first.
 */
import { ArgumentError, Rng, threefry2x32 } from '@dendrite/core';

/** What a stream is used for; distinct purposes never share random numbers. */
export const STREAM = { shuffle: 1, augment: 2, split: 3 } as const;

export function derivedRng(seed: number, index: number, purpose: number): Rng {
  if (!Number.isFinite(seed)) throw new ArgumentError('seed', `seed ${seed} must be a finite number`);
  const s = Math.trunc(Math.abs(seed));
  const key = new Uint32Array(2);
  // Same key as `new Rng(seed)`; the counter holds (index, purpose).
  threefry2x32(s >>> 0, Math.floor(s / 2 ** 32) >>> 0, index >>> 0, purpose >>> 0, key, 0);
  return new Rng([key[0], key[1]]);
}
