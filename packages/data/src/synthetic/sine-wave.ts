/** Forecasting a sine wave: from a window of past values, predict the next ones. */
import { ArgumentError } from '@dendrite/core';
import { ArrayDataset } from '../array-dataset.js';
import { checkPositiveInt } from '../check-args.js';
import { type SyntheticOptions, syntheticSetup } from './options.js';

export interface SineWaveOptions extends SyntheticOptions {
  /** Time steps the model sees (default 20). */
  readonly window?: number;
  /** Time steps it predicts (default 1). */
  readonly horizon?: number;
  /** Frequencies, in cycles per time step, drawn uniformly from this interval (default [0.02, 0.1]). */
  readonly frequency?: readonly [number, number];
}

/**
 * Each sample is one wave sin(2π f t + φ), f and φ drawn per sample: `x` is `[window, 1]` of it (plus
 * Gaussian `noise`), `y` is `[horizon]`, the clean values that follow.
 */
export function sineWave(options: SineWaveOptions = {}): ArrayDataset<'x' | 'y'> {
  const op = 'sineWave';
  const { size, noise, rng } = syntheticSetup(op, options, { size: 1000, noise: 0 });
  const window = options.window ?? 20;
  const horizon = options.horizon ?? 1;
  checkPositiveInt(op, 'window', window);
  checkPositiveInt(op, 'horizon', horizon);
  const [fLow, fHigh] = options.frequency ?? [0.02, 0.1];
  if (!(fLow > 0 && fHigh >= fLow)) {
    throw new ArgumentError(op, `frequency [${fLow}, ${fHigh}] must be positive and ordered`);
  }
  const draws = rng.uniformValues(2 * size);
  const z = noise > 0 ? rng.normalValues(size * window) : null;
  const x = new Float32Array(size * window);
  const y = new Float32Array(size * horizon);
  for (let i = 0; i < size; i++) {
    const f = fLow + (fHigh - fLow) * draws[2 * i];
    const phase = 2 * Math.PI * draws[2 * i + 1];
    for (let t = 0; t < window + horizon; t++) {
      const v = Math.sin(2 * Math.PI * f * t + phase);
      if (t < window) x[i * window + t] = v + (z ? noise * z[i * window + t] : 0);
      else y[i * horizon + t - window] = v;
    }
  }
  return new ArrayDataset({
    x: { data: x, shape: [size, window, 1] },
    y: { data: y, shape: [size, horizon] },
  });
}
