/** Mirrors an image left-right with probability `p`. */
import { ArgumentError } from '@dendrite/core';
import { imageField } from './image-field.js';
import type { Transform } from './transform.js';

export interface HorizontalFlipOptions {
  /** Probability of a flip (default 0.5). */
  readonly p?: number;
  /** The image field (default `'x'`). */
  readonly key?: string;
}

export function randomHorizontalFlip(options: HorizontalFlipOptions = {}): Transform {
  const op = 'randomHorizontalFlip';
  const { p = 0.5 } = options;
  const key = options.key ?? 'x';
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(op, `p ${p} must be in [0, 1]`);
  return (sample, rng) => {
    const img = imageField(op, sample, key);
    // Drawn even when p is 0 or 1, so that a stream's later draws do not depend on p.
    if (!(rng.uniformValues(1)[0] < p)) return sample;
    const { height, width, channels: c } = img;
    const out =
      img.data instanceof Int32Array ? new Int32Array(img.data.length) : new Float32Array(img.data.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const from = (y * width + x) * c;
        out.set(img.data.subarray(from, from + c), (y * width + (width - 1 - x)) * c);
      }
    }
    return { ...sample, [key]: { data: out, shape: img.shape } };
  };
}
