/** Additive Gaussian noise: regularisation, and the corruption of a denoising autoencoder. */
import { ArgumentError } from '@dendrite/core';
import { checkNonNegative } from '../check-args.js';
import { fieldOf, type Transform } from './transform.js';

export interface GaussianNoiseOptions {
  /** Standard deviation of the noise. */
  readonly std: number;
  readonly mean?: number;
  /** Clamp the result to `[low, high]`, e.g. `[0, 1]` for pixel intensities. */
  readonly clip?: readonly [number, number];
  /** The field to perturb (default `'x'`). */
  readonly key?: string;
  /** Write the noisy values to this field and keep the clean ones (e.g. `'noisy'` for a denoiser). */
  readonly as?: string;
}

export function gaussianNoise(options: GaussianNoiseOptions): Transform {
  const op = 'gaussianNoise';
  const { std, mean = 0, clip } = options;
  const key = options.key ?? 'x';
  const as = options.as ?? key;
  checkNonNegative(op, 'std', std);
  if (clip && !(clip[1] >= clip[0]))
    throw new ArgumentError(op, `clip [${clip[0]}, ${clip[1]}] must be ordered`);
  const [low, high] = clip ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return (sample, rng) => {
    const field = fieldOf(op, sample, key);
    const noise = rng.normalValues(field.data.length);
    const out = new Float32Array(field.data.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.min(high, Math.max(low, field.data[i] + mean + std * noise[i]));
    }
    return { ...sample, [as]: { data: out, shape: field.shape } };
  };
}
