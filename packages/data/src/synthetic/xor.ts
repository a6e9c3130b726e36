/** XOR: the four corners of the unit square, labelled a XOR b; the problem a single perceptron cannot solve. */
import type { ArrayDataset } from '../array-dataset.js';
import { addNoise, classificationSet, type SyntheticOptions, syntheticSetup } from './options.js';

/**
 * Sample i is corner i mod 4 — (0,0) (0,1) (1,0) (1,1) — plus Gaussian `noise`; its class is the XOR of
 * the corner's coordinates. The defaults (4 samples, no noise) give the truth table itself.
 */
export function xor(options: SyntheticOptions = {}): ArrayDataset<'x' | 'y'> {
  const { size, noise, rng } = syntheticSetup('xor', options, { size: 4, noise: 0 });
  const x = new Float32Array(size * 2);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const a = (i >> 1) & 1;
    const b = i & 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = a ^ b;
  }
  addNoise(x, noise, rng);
  return classificationSet(x, y, 2);
}
