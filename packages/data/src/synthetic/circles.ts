/** A small circle inside a large one, as scikit-learn's `make_circles`. */
import { ArgumentError } from '@dendrite/core';
import type { ArrayDataset } from '../array-dataset.js';
import { addNoise, classificationSet, type SyntheticOptions, syntheticSetup } from './options.js';

export interface CirclesOptions extends SyntheticOptions {
  /** Radius of the inner circle relative to the outer one's 1 (default 0.8). */
  readonly factor?: number;
}

/** Samples alternate: class 0 on the unit circle, class 1 on the circle of radius `factor`. */
export function circles(options: CirclesOptions = {}): ArrayDataset<'x' | 'y'> {
  const { size, noise, rng } = syntheticSetup('circles', options, { size: 200, noise: 0 });
  const factor = options.factor ?? 0.8;
  if (!(factor > 0 && factor < 1))
    throw new ArgumentError('circles', `factor must be in (0, 1), got ${factor}`);
  const counts = [Math.ceil(size / 2), Math.floor(size / 2)];
  const x = new Float32Array(size * 2);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const cls = i % 2;
    const angle = (2 * Math.PI * Math.floor(i / 2)) / counts[cls];
    const radius = cls === 0 ? 1 : factor;
    x[2 * i] = radius * Math.cos(angle);
    x[2 * i + 1] = radius * Math.sin(angle);
    y[i] = cls;
  }
  addNoise(x, noise, rng);
  return classificationSet(x, y, 2);
}
