/**
 * A mixture of Gaussians on a circle (8 modes, radius 2, std 0.02 by default, as in Metz et al. 2017):
 * the standard test of whether a GAN covers every mode or collapses onto a few.
 */
import { ArgumentError } from '@dendrite/core';
import type { ArrayDataset } from '../array-dataset.js';
import { checkNonNegative, checkPositiveInt } from '../check-args.js';
import { classificationSet, syntheticSetup } from './options.js';

export interface GaussianRingOptions {
  readonly size?: number;
  readonly modes?: number;
  readonly radius?: number;
  /** Standard deviation of each mode. */
  readonly std?: number;
  readonly seed?: number;
}

/** The centres of the modes: `[cos, sin]` of `2πk / modes`, times `radius`. */
export function gaussianRingCentres(modes = 8, radius = 2): number[][] {
  checkPositiveInt('gaussianRingCentres', 'modes', modes);
  return Array.from({ length: modes }, (_, k) => [
    radius * Math.cos((2 * Math.PI * k) / modes),
    radius * Math.sin((2 * Math.PI * k) / modes),
  ]);
}

/** Sample i comes from mode i mod `modes`; `y` holds the mode, for counting which modes a GAN covers. */
export function gaussianRing(options: GaussianRingOptions = {}): ArrayDataset<'x' | 'y'> {
  const op = 'gaussianRing';
  const { size, rng } = syntheticSetup(
    op,
    { size: options.size, seed: options.seed },
    { size: 1000, noise: 0 },
  );
  const { modes = 8, radius = 2, std = 0.02 } = options;
  if (!(radius > 0)) throw new ArgumentError(op, `radius must be > 0, got ${radius}`);
  checkNonNegative(op, 'std', std);
  const centres = gaussianRingCentres(modes, radius);
  const z = rng.normalValues(size * 2);
  const x = new Float32Array(size * 2);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const k = i % modes;
    x[2 * i] = centres[k][0] + std * z[2 * i];
    x[2 * i + 1] = centres[k][1] + std * z[2 * i + 1];
    y[i] = k;
  }
  return classificationSet(x, y, 2);
}
