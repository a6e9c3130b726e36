/**
 * The adding problem (Hochreiter & Schmidhuber 1997), in the form of Le, Jaitly & Hinton (2015): a long
 * sequence of random numbers, two of them marked; the target is their sum. Predicting 1 always gives an
 * MSE of about 0.167, so a model below that has learnt to carry information across the sequence.
 */

import { ArgumentError } from '@dendrite/core';
import { ArrayDataset } from '../array-dataset.js';
import { checkPositiveInt } from '../check-args.js';
import { syntheticSetup } from './options.js';

export interface AddingProblemOptions {
  readonly size?: number;
  /** Sequence length T (default 50). */
  readonly length?: number;
  readonly seed?: number;
}

/**
 * `x` is `[T, 2]`: channel 0 uniform in [0, 1), channel 1 zero but for two ones, one in each half of the
 * sequence; `y` is `[1]`, the sum of the two marked values.
 */
export function addingProblem(options: AddingProblemOptions = {}): ArrayDataset<'x' | 'y'> {
  const op = 'addingProblem';
  const { size, rng } = syntheticSetup(
    op,
    { size: options.size, seed: options.seed },
    { size: 1000, noise: 0 },
  );
  const length = options.length ?? 50;
  checkPositiveInt(op, 'length', length);
  if (length < 2) throw new ArgumentError(op, `length must be at least 2, got ${length}`);
  const half = Math.floor(length / 2);
  const values = rng.uniformValues(size * length);
  const marks = rng.uniformValues(2 * size);
  const x = new Float32Array(size * length * 2);
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const first = Math.floor(marks[2 * i] * half);
    const second = half + Math.floor(marks[2 * i + 1] * (length - half));
    for (let t = 0; t < length; t++) x[(i * length + t) * 2] = values[i * length + t];
    x[(i * length + first) * 2 + 1] = 1;
    x[(i * length + second) * 2 + 1] = 1;
    y[i] = x[(i * length + first) * 2] + x[(i * length + second) * 2];
  }
  return new ArrayDataset({ x: { data: x, shape: [size, length, 2] }, y: { data: y, shape: [size, 1] } });
}
