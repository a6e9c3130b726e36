/** Isotropic Gaussian clusters, as scikit-learn's `make_blobs`. */
import { ArgumentError } from '@dendrite/core';
import type { ArrayDataset } from '../array-dataset.js';
import { checkNonNegative, checkPositiveInt } from '../check-args.js';
import { classificationSet, syntheticSetup } from './options.js';

export interface BlobsOptions {
  readonly size?: number;
  /** How many clusters (centres drawn uniformly in `box`), or the centres themselves (default 3). */
  readonly centers?: number | readonly (readonly number[])[];
  /** Dimensions of each point when centres are drawn (default 2). */
  readonly features?: number;
  /** Standard deviation of each cluster (default 1). */
  readonly std?: number;
  /** The interval each coordinate of a drawn centre lies in (default [-10, 10]). */
  readonly box?: readonly [number, number];
  readonly seed?: number;
}

/** Sample i belongs to cluster i mod k: its centre plus Gaussian noise of `std`. */
export function blobs(options: BlobsOptions = {}): ArrayDataset<'x' | 'y'> {
  const op = 'blobs';
  const { size, rng } = syntheticSetup(
    op,
    { size: options.size, seed: options.seed },
    { size: 300, noise: 0 },
  );
  const std = options.std ?? 1;
  checkNonNegative(op, 'std', std);
  const spec = options.centers ?? 3;
  let centres: number[][];
  if (typeof spec === 'number') {
    checkPositiveInt(op, 'centers', spec);
    const features = options.features ?? 2;
    checkPositiveInt(op, 'features', features);
    const [lo, hi] = options.box ?? [-10, 10];
    if (!(hi > lo)) throw new ArgumentError(op, `box [${lo}, ${hi}] must be increasing`);
    const u = rng.uniformValues(spec * features);
    centres = Array.from({ length: spec }, (_, k) =>
      Array.from({ length: features }, (_, f) => lo + (hi - lo) * u[k * features + f]),
    );
  } else {
    centres = spec.map((c) => [...c]);
    if (centres.length === 0 || centres.some((c) => c.length === 0 || c.length !== centres[0].length)) {
      throw new ArgumentError(op, 'centers must be a non-empty list of points of one dimension');
    }
  }
  const features = centres[0].length;
  const z = rng.normalValues(size * features);
  const x = new Float32Array(size * features);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const k = i % centres.length;
    for (let f = 0; f < features; f++) x[i * features + f] = centres[k][f] + std * z[i * features + f];
    y[i] = k;
  }
  return classificationSet(x, y, features);
}
