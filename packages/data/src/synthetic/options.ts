/** Options every synthetic set takes, and the columns they return. */
import { Rng } from '@dendrite/core';
import { ArrayDataset, type ArrayDatasetOptions } from '../array-dataset.js';
import { checkNonNegative, checkPositiveInt } from '../check-args.js';

export interface SyntheticOptions {
  /** Number of samples. */
  readonly size?: number;
  /** Standard deviation of Gaussian noise added to the inputs. */
  readonly noise?: number;
  readonly seed?: number;
}

/** Validated size and noise, and the set's random stream. */
export function syntheticSetup(
  op: string,
  options: SyntheticOptions,
  defaults: { size: number; noise: number },
): { size: number; noise: number; rng: Rng } {
  const size = options.size ?? defaults.size;
  const noise = options.noise ?? defaults.noise;
  checkPositiveInt(op, 'size', size);
  checkNonNegative(op, 'noise', noise);
  return { size, noise, rng: new Rng(options.seed ?? 0) };
}

/** Adds `noise` times standard normal values to `x` in place. */
export function addNoise(x: Float32Array, noise: number, rng: Rng): void {
  if (noise === 0) return;
  const z = rng.normalValues(x.length);
  for (let i = 0; i < x.length; i++) x[i] += noise * z[i];
}

/** Points `x` ([n, features]) with integer classes `y` ([n]). */
export function classificationSet(
  x: Float32Array,
  y: Int32Array,
  features: number,
  options: ArrayDatasetOptions = {},
): ArrayDataset<'x' | 'y'> {
  return new ArrayDataset(
    { x: { data: x, shape: [y.length, features] }, y: { data: y, shape: [y.length] } },
    options,
  );
}
