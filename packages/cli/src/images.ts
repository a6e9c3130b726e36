/**
 * Host-side image helpers for `[H, W, C]` float images in [0, 1]: bilinear resizing and channel
 * conversion (grey ↔ RGB), used to fit a data set's images to what a model needs and to read an input
 * image for `visualize`.
 */
import { ArgumentError } from '@dendrite/core';

export interface Image {
  readonly data: Float32Array;
  /** `[height, width, channels]` */
  readonly shape: readonly [number, number, number];
}

/**
 * Bilinear resize with pixel centres aligned (`align_corners = false`, as PyTorch's and OpenCV's
 * default): each output pixel samples the input at its centre mapped back into the input.
 */
export function resizeBilinear(image: Image, height: number, width: number): Image {
  const [h, w, c] = image.shape;
  if (h === height && w === width) return image;
  const out = new Float32Array(height * width * c);
  const sy = h / height;
  const sx = w / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number) => image.data[(yy * w + xx) * c + k];
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(y * width + x) * c + k] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { data: out, shape: [height, width, c] };
}

/**
 * `image` with `channels` channels: grey to RGB repeats the grey value, RGB(A) to grey takes the
 * ITU-R BT.601 luma, RGBA to RGB drops alpha, RGB to RGBA adds an opaque alpha.
 */
export function convertChannels(image: Image, channels: number): Image {
  const [h, w, c] = image.shape;
  if (c === channels) return image;
  const n = h * w;
  const out = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    const src = image.data.subarray(p * c, p * c + c);
    let rgb: [number, number, number];
    if (c === 1) rgb = [src[0], src[0], src[0]];
    else if (c >= 3) rgb = [src[0], src[1], src[2]];
    else throw new ArgumentError('convertChannels', `cannot convert ${c}-channel images`);
    if (channels === 1) out[p] = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    else if (channels === 3 || channels === 4) {
      out.set(rgb, p * channels);
      if (channels === 4) out[p * channels + 3] = c === 4 ? src[3] : 1;
    } else throw new ArgumentError('convertChannels', `cannot make ${channels}-channel images`);
  }
  return { data: out, shape: [h, w, channels] };
}

/** Resizes and converts `image` to `[height, width, channels]`. */
export function fitImage(image: Image, shape: readonly number[]): Image {
  return convertChannels(resizeBilinear(image, shape[0], shape[1]), shape[2]);
}
