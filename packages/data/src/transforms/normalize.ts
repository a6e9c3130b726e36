/**
 * `(x - mean) / std` per entry of the last axis (per channel of an image, per feature of a table), with
 * fixed constants (`normalize`) or statistics fitted on a training set (`fitStandardize`, `fitMinMax`).
 */
import { ArgumentError, ShapeError } from '@dendrite/core';
import type { Dataset } from '../dataset.js';
import type { Sample } from '../host-tensor.js';
import { fieldOf, type Transform } from './transform.js';

export interface NormalizeOptions {
  /** One value, or one per entry of the field's last axis. */
  readonly mean: number | readonly number[];
  readonly std: number | readonly number[];
  /** The field to normalise (default `'x'`). */
  readonly key?: string;
}

/** A normalising transform that shows its constants. */
export type Normalize = Transform & { readonly mean: readonly number[]; readonly std: readonly number[] };

export function normalize(options: NormalizeOptions): Normalize {
  const op = 'normalize';
  const key = options.key ?? 'x';
  const mean = typeof options.mean === 'number' ? [options.mean] : [...options.mean];
  const std = typeof options.std === 'number' ? [options.std] : [...options.std];
  if (mean.length === 0 || mean.length !== std.length) {
    throw new ArgumentError(op, `mean has ${mean.length} values and std ${std.length}; they must match`);
  }
  for (const s of std) {
    if (!(Number.isFinite(s) && s !== 0)) throw new ArgumentError(op, `std ${s} must be finite and non-zero`);
  }
  const channels = mean.length;
  const transform: Transform = (sample) => {
    const field = fieldOf(op, sample, key);
    const last = field.shape.length === 0 ? 1 : field.shape[field.shape.length - 1];
    if (channels !== 1 && channels !== last) {
      throw new ShapeError(
        op,
        `field '${key}' of shape [${field.shape.join(', ')}] has ${last} entries on its last axis; mean/std have ${channels}`,
      );
    }
    const out = new Float32Array(field.data.length);
    for (let i = 0; i < out.length; i++) {
      const c = channels === 1 ? 0 : i % channels;
      out[i] = (field.data[i] - mean[c]) / std[c];
    }
    return { ...sample, [key]: { data: out, shape: field.shape } };
  };
  return Object.assign(transform, { mean, std });
}

/**
 * Per last-axis entry, over every sample of `dataset`: count, the sum and sum of squares of the values
 * less the first one seen (a shift that keeps the one-pass variance from cancelling), min and max.
 */
async function channelStats(op: string, dataset: Dataset<Sample>, key: string) {
  let sum: Float64Array | null = null;
  let shift = new Float64Array(0);
  let sumSq = new Float64Array(0);
  let min = new Float64Array(0);
  let max = new Float64Array(0);
  let count = 0;
  for await (const sample of dataset) {
    const field = fieldOf(op, sample, key);
    const channels = field.shape.length === 0 ? 1 : field.shape[field.shape.length - 1];
    if (sum === null) {
      sum = new Float64Array(channels);
      sumSq = new Float64Array(channels);
      min = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
      max = new Float64Array(channels).fill(Number.NEGATIVE_INFINITY);
      shift = Float64Array.from(field.data.subarray(0, channels));
    } else if (sum.length !== channels) {
      throw new ShapeError(
        op,
        `samples of field '${key}' differ in their last axis (${sum.length} vs ${channels})`,
      );
    }
    for (let i = 0; i < field.data.length; i++) {
      const c = i % channels;
      const v = field.data[i];
      sum[c] += v - shift[c];
      sumSq[c] += (v - shift[c]) ** 2;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
    count += field.data.length / channels;
  }
  if (sum === null) throw new ArgumentError(op, 'cannot fit statistics on an empty data set');
  return { sum, sumSq, shift, min, max, count };
}

export interface FitOptions {
  /** The field to fit and normalise (default `'x'`). */
  readonly key?: string;
}

/**
 * Fits mean and (population) standard deviation per last-axis entry on `train`, and returns the
 * transform that standardises with them; apply the same transform to validation and test data. A
 * constant entry (such as an always-blank pixel) gets std 1, as scikit-learn's StandardScaler does.
 */
export async function fitStandardize(train: Dataset<Sample>, options: FitOptions = {}): Promise<Normalize> {
  const key = options.key ?? 'x';
  const { sum, sumSq, shift, count } = await channelStats('fitStandardize', train, key);
  const mean = Array.from(sum, (s, c) => shift[c] + s / count);
  const std = Array.from(sum, (s, c) => {
    const deviation = Math.sqrt(Math.max(0, sumSq[c] / count - (s / count) ** 2));
    return deviation > 0 ? deviation : 1;
  });
  return normalize({ mean, std, key });
}

export interface FitMinMaxOptions extends FitOptions {
  /** The interval the fitted minimum and maximum map to (default [0, 1]). */
  readonly range?: readonly [number, number];
}

/** Fits min and max per last-axis entry on `train`; the transform maps them onto `range`. */
export async function fitMinMax(train: Dataset<Sample>, options: FitMinMaxOptions = {}): Promise<Normalize> {
  const key = options.key ?? 'x';
  const [lo, hi] = options.range ?? [0, 1];
  if (!(hi > lo)) throw new ArgumentError('fitMinMax', `range [${lo}, ${hi}] must be increasing`);
  const { min, max } = await channelStats('fitMinMax', train, key);
  // (x - min) / (max - min) * (hi - lo) + lo  ==  (x - mean) / std with:
  const std = Array.from(min, (m, c) => (max[c] > m ? (max[c] - m) / (hi - lo) : 1));
  const mean = Array.from(min, (m, c) => m - lo * std[c]);
  return normalize({ mean, std, key });
}
