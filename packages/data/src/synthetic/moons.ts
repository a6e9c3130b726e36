/** Two interleaving half circles, as scikit-learn's `make_moons`. */
import type { ArrayDataset } from '../array-dataset.js';
import { addNoise, classificationSet, type SyntheticOptions, syntheticSetup } from './options.js';

/** Evenly spaced angle `j` of `m` over [0, end] (end included), like numpy's linspace. */
export function linspaceAngle(j: number, m: number, end: number): number {
  return m === 1 ? 0 : (j * end) / (m - 1);
}

/**
 * Samples alternate between the classes: class 0 on the upper half circle (cos θ, sin θ), class 1 on
 * (1 - cos θ, 0.5 - sin θ), θ evenly spaced over [0, π]; plus Gaussian `noise`.
 */
export function moons(options: SyntheticOptions = {}): ArrayDataset<'x' | 'y'> {
  const { size, noise, rng } = syntheticSetup('moons', options, { size: 200, noise: 0 });
  const counts = [Math.ceil(size / 2), Math.floor(size / 2)];
  const x = new Float32Array(size * 2);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const cls = i % 2;
    const angle = linspaceAngle(Math.floor(i / 2), counts[cls], Math.PI);
    x[2 * i] = cls === 0 ? Math.cos(angle) : 1 - Math.cos(angle);
    x[2 * i + 1] = cls === 0 ? Math.sin(angle) : 0.5 - Math.sin(angle);
    y[i] = cls;
  }
  addNoise(x, noise, rng);
  return classificationSet(x, y, 2);
}
