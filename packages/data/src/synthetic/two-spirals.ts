/** Two interleaved spirals (Lang & Witbrock 1988): a classic test of how well a network bends its boundary. */
import { ArgumentError } from '@dendrite/core';
import type { ArrayDataset } from '../array-dataset.js';
import { addNoise, classificationSet, type SyntheticOptions, syntheticSetup } from './options.js';

export interface TwoSpiralsOptions extends SyntheticOptions {
  /** Turns of each spiral (default 2). */
  readonly turns?: number;
}

/**
 * Samples alternate between the classes. Point j of a spiral sits at t = (j + 1) / m along it: radius t,
 * angle 2π·turns·t; the second spiral is the first rotated by half a turn. Radii lie in (0, 1].
 */
export function twoSpirals(options: TwoSpiralsOptions = {}): ArrayDataset<'x' | 'y'> {
  const { size, noise, rng } = syntheticSetup('twoSpirals', options, { size: 200, noise: 0 });
  const turns = options.turns ?? 2;
  if (!(turns > 0)) throw new ArgumentError('twoSpirals', `turns must be > 0, got ${turns}`);
  const perClass = Math.ceil(size / 2);
  const x = new Float32Array(size * 2);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const cls = i % 2;
    const t = (Math.floor(i / 2) + 1) / perClass;
    const angle = 2 * Math.PI * turns * t;
    const sign = cls === 0 ? 1 : -1;
    x[2 * i] = sign * t * Math.cos(angle);
    x[2 * i + 1] = sign * t * Math.sin(angle);
    y[i] = cls;
  }
  addNoise(x, noise, rng);
  return classificationSet(x, y, 2);
}
