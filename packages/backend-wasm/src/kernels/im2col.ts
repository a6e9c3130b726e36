/**
 * im2col and its adjoint col2im over NHWC images, in TypeScript on the heap views. A column row is one
 * output pixel's receptive field `[kh, kw, C]`; each in-image `[C]` run is one block copy.
 */
import type { ConvGeometry } from './conv-geometry.js';

/** Below this many channels a run is copied element by element (a `set` call costs more). */
const SHORT_RUN = 16;

/** Copies `n` elements; below SHORT_RUN a plain loop beats a `set` call. */
function copy(src: Float32Array, from: number, dst: Float32Array, to: number, n: number): void {
  if (n < SHORT_RUN) for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  else dst.set(src.subarray(from, from + n), to);
}

/**
 * Fills `col` [p1 - p0, kh*kw*C] with the receptive fields of output pixels p0 … p1-1 (pixels numbered
 * n, oh, ow) of `x` [N, H, W, C]; padding reads as 0. `C` is the channel count of `x` (one group). With
 * dilation 1 a window row inside the image is one run of kw*C values.
 */
export function im2col(
  x: Float32Array,
  g: ConvGeometry,
  c: number,
  p0: number,
  p1: number,
  col: Float32Array,
): void {
  const { h, w, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl } = g;
  const rowLen = kh * kw * c;
  const tapRow = kw * c;
  let n = Math.floor(p0 / (oh * ow));
  let y = Math.floor((p0 - n * oh * ow) / ow);
  let xo = p0 - (n * oh + y) * ow;
  for (let p = p0, dst = 0; p < p1; p++, dst += rowLen) {
    const iy0 = y * sh - pt;
    const ix0 = xo * sw - pl;
    const wholeRow = dw === 1 && ix0 >= 0 && ix0 + kw <= w;
    for (let a = 0; a < kh; a++) {
      const iy = iy0 + a * dh;
      const d = dst + a * tapRow;
      if (iy < 0 || iy >= h) {
        col.fill(0, d, d + tapRow);
        continue;
      }
      const rowBase = (n * h + iy) * w;
      if (wholeRow) {
        copy(x, (rowBase + ix0) * c, col, d, tapRow);
        continue;
      }
      for (let b = 0; b < kw; b++) {
        const ix = ix0 + b * dw;
        if (ix < 0 || ix >= w) col.fill(0, d + b * c, d + (b + 1) * c);
        else copy(x, (rowBase + ix) * c, col, d + b * c, c);
      }
    }
    if (++xo === ow) {
      xo = 0;
      if (++y === oh) {
        y = 0;
        n++;
      }
    }
  }
}

/** Adds the columns `col` [p1 - p0, kh*kw*C] back into the image `dx` [N, H, W, C] (the adjoint of im2col). */
export function col2im(
  col: Float32Array,
  g: ConvGeometry,
  c: number,
  p0: number,
  p1: number,
  dx: Float32Array,
): void {
  const { h, w, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl } = g;
  let src = 0;
  for (let p = p0; p < p1; p++) {
    const n = Math.floor(p / (oh * ow));
    const rem = p - n * oh * ow;
    const y = Math.floor(rem / ow);
    const xo = rem - y * ow;
    const iy0 = y * sh - pt;
    const ix0 = xo * sw - pl;
    for (let a = 0; a < kh; a++) {
      const iy = iy0 + a * dh;
      const rowInside = iy >= 0 && iy < h;
      for (let b = 0; b < kw; b++, src += c) {
        const ix = ix0 + b * dw;
        if (!rowInside || ix < 0 || ix >= w) continue;
        const dst = ((n * h + iy) * w + ix) * c;
        for (let i = 0; i < c; i++) dx[dst + i] += col[src + i];
      }
    }
  }
}

/** Copies channels [c0, c0 + cg) of `x` [..., C] into `out` [..., cg]. */
export function sliceChannels(x: Float32Array, c: number, c0: number, cg: number, out: Float32Array): void {
  const pixels = x.length / c;
  for (let p = 0, s = c0, d = 0; p < pixels; p++, s += c, d += cg) {
    if (cg < SHORT_RUN) for (let i = 0; i < cg; i++) out[d + i] = x[s + i];
    else out.set(x.subarray(s, s + cg), d);
  }
}

/** Writes `part` [..., cg] into channels [c0, c0 + cg) of `out` [..., C]. */
export function placeChannels(
  part: Float32Array,
  cg: number,
  out: Float32Array,
  c: number,
  c0: number,
): void {
  const pixels = out.length / c;
  for (let p = 0, s = 0, d = c0; p < pixels; p++, s += cg, d += c) {
    if (cg < SHORT_RUN) for (let i = 0; i < cg; i++) out[d + i] = part[s + i];
    else out.set(part.subarray(s, s + cg), d);
  }
}
