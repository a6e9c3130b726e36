/**
 * Depthwise convolution gradients (groups = C, filter [kh, kw, 1, C*M]), direct loops in TypeScript:
 * the module has neither, and their work (P × kh × kw × C × M multiply-adds) is too small for a matmul
 * formulation to pay for its copies. Output channel o = c*M + m reads input channel c = floor(o / M).
 */
import type { ConvGeometry } from './conv-geometry.js';

export function depthwiseBackpropInput(
  dy: Float32Array,
  filter: Float32Array,
  g: ConvGeometry,
  dx: Float32Array,
): void {
  const { n, h, w, cin, kh, kw, cout, oh, ow, sh, sw, dh, dw, pt, pl } = g;
  const mult = cout / cin;
  dx.fill(0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        const dyBase = ((b * oh + y) * ow + x) * cout;
        for (let a = 0; a < kh; a++) {
          const iy = y * sh - pt + a * dh;
          if (iy < 0 || iy >= h) continue;
          for (let c2 = 0; c2 < kw; c2++) {
            const ix = x * sw - pl + c2 * dw;
            if (ix < 0 || ix >= w) continue;
            const dxBase = ((b * h + iy) * w + ix) * cin;
            const fBase = (a * kw + c2) * cout;
            if (mult === 1) {
              for (let c = 0; c < cin; c++) dx[dxBase + c] += dy[dyBase + c] * filter[fBase + c];
            } else {
              for (let o = 0; o < cout; o++)
                dx[dxBase + Math.floor(o / mult)] += dy[dyBase + o] * filter[fBase + o];
            }
          }
        }
      }
}

export function depthwiseBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  g: ConvGeometry,
  df: Float32Array,
): void {
  const { n, h, w, cin, kh, kw, cout, oh, ow, sh, sw, dh, dw, pt, pl } = g;
  const mult = cout / cin;
  // Accumulate in float64: each tap sums over every output pixel of the batch.
  const acc = new Float64Array(df.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        const dyBase = ((b * oh + y) * ow + xo) * cout;
        for (let a = 0; a < kh; a++) {
          const iy = y * sh - pt + a * dh;
          if (iy < 0 || iy >= h) continue;
          for (let c2 = 0; c2 < kw; c2++) {
            const ix = xo * sw - pl + c2 * dw;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((b * h + iy) * w + ix) * cin;
            const fBase = (a * kw + c2) * cout;
            if (mult === 1) {
              for (let c = 0; c < cin; c++) acc[fBase + c] += x[xBase + c] * dy[dyBase + c];
            } else {
              for (let o = 0; o < cout; o++)
                acc[fBase + o] += x[xBase + Math.floor(o / mult)] * dy[dyBase + o];
            }
          }
        }
      }
  df.set(acc);
}
