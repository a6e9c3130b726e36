/** Random crops of a zero-padded image: the translation augmentation of CIFAR training (He et al. 2016). */
import { ArgumentError, ShapeError } from '@dendrite/core';
import { checkPositiveInt } from '../check-args.js';
import { imageField } from './image-field.js';
import type { Transform } from './transform.js';

export interface RandomCropOptions {
  /** Crop size `[height, width]`, or one number for a square (default: the image's own size). */
  readonly size?: number | readonly [number, number];
  /** Pixels of `fill` added on every side before cropping (default 0). */
  readonly padding?: number;
  readonly fill?: number;
  /** The image field (default `'x'`). */
  readonly key?: string;
}

export function randomCrop(options: RandomCropOptions = {}): Transform {
  const op = 'randomCrop';
  const { padding = 0, fill = 0 } = options;
  const key = options.key ?? 'x';
  if (!(Number.isInteger(padding) && padding >= 0)) {
    throw new ArgumentError(op, `padding must be an integer >= 0, got ${padding}`);
  }
  const size = typeof options.size === 'number' ? [options.size, options.size] : options.size;
  if (size) {
    checkPositiveInt(op, 'size[0]', size[0]);
    checkPositiveInt(op, 'size[1]', size[1]);
  }
  return (sample, rng) => {
    const img = imageField(op, sample, key);
    const [h, w] = size ?? [img.height, img.width];
    const paddedH = img.height + 2 * padding;
    const paddedW = img.width + 2 * padding;
    if (h > paddedH || w > paddedW) {
      throw new ShapeError(
        op,
        `crop [${h}, ${w}] is larger than the padded image [${paddedH}, ${paddedW}] (padding ${padding})`,
      );
    }
    const [u, v] = rng.uniformValues(2);
    // Offsets of the crop within the original image; negative means into the padding.
    const top = Math.floor(u * (paddedH - h + 1)) - padding;
    const left = Math.floor(v * (paddedW - w + 1)) - padding;
    const c = img.channels;
    const out = img.data instanceof Int32Array ? new Int32Array(h * w * c) : new Float32Array(h * w * c);
    out.fill(fill);
    for (let y = 0; y < h; y++) {
      const sy = top + y;
      if (sy < 0 || sy >= img.height) continue;
      const x0 = Math.max(0, -left);
      const x1 = Math.min(w, img.width - left);
      if (x1 <= x0) continue;
      out.set(
        img.data.subarray((sy * img.width + left + x0) * c, (sy * img.width + left + x1) * c),
        (y * w + x0) * c,
      );
    }
    return { ...sample, [key]: { data: out, shape: [h, w, c] } };
  };
}
