/**
 * Max and average pooling (NHWC) and their gradients. Each output pixel's window is clipped to the input
 * first (as geometry/window.ts `windowRange` states it), so padding is simply never visited: it is -Infinity for max
 * (never wins) and does not count towards an average (count_include_pad = false).
 * Rounding: a window's sum accumulates in float64 and rounds once; the gradients add in float32 in
 * output-pixel order. NaN propagates through max, and the first NaN of a window takes max's gradient.
 */
import type { PoolGeometry } from '../geometry/window.js';

// Per-channel scratch rows for one output pixel, grown on demand: the channel loop is the innermost,
// contiguous one, so a window is walked once for all channels.
let accRow = new Float64Array(0);
let argRow = new Int32Array(0);

function scratch(c: number): void {
  if (accRow.length < c) {
    accRow = new Float64Array(c);
    argRow = new Int32Array(c);
  }
}

/** `x` `[N, H, W, C]` -> `y` `[N, OH, OW, C]`. */
export function pool2d(op: 'max' | 'avg', x: Float32Array, g: PoolGeometry, y: Float32Array): void {
  const { n: batch, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl } = g;
  if (y.length === 0) return;
  scratch(c);
  const acc = accRow;
  const isMax = op === 'max';
  let yi = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - pt);
      const y1 = Math.min(h, oy * sh - pt + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - pl);
        const x1 = Math.min(w, ox * sw - pl + kw);
        acc.fill(isMax ? Number.NEGATIVE_INFINITY : 0, 0, c);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const base = ((n * h + iy) * w + ix) * c;
            if (isMax) {
              // Math.max propagates NaN, as PyTorch and TensorFlow do.
              for (let ci = 0; ci < c; ci++) acc[ci] = Math.max(acc[ci], x[base + ci]);
            } else {
              for (let ci = 0; ci < c; ci++) acc[ci] += x[base + ci];
            }
          }
        }
        // A window entirely in the padding averages to 0 (it has no elements), not NaN.
        const count = isMax ? 1 : Math.max(1, (y1 - y0) * (x1 - x0));
        for (let ci = 0; ci < c; ci++) y[yi++] = acc[ci] / count;
      }
    }
  }
}

/**
 * Each `dy` goes to the first maximum of its window in row-major window order (the element max pooling
 * picked); `dx` has x's shape and is overwritten.
 */
export function maxPool2dGrad(dy: Float32Array, x: Float32Array, g: PoolGeometry, dx: Float32Array): void {
  const { n: batch, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl } = g;
  dx.fill(0);
  if (dx.length === 0) return;
  scratch(c);
  const best = accRow;
  const arg = argRow;
  let yi = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - pt);
      const y1 = Math.min(h, oy * sh - pt + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - pl);
        const x1 = Math.min(w, ox * sw - pl + kw);
        if (y1 <= y0 || x1 <= x0) {
          yi += c; // a window of padding only: its dy goes nowhere
          continue;
        }
        // The window's first element starts every channel's maximum (no "none yet" test per element).
        const first = ((n * h + y0) * w + x0) * c;
        for (let ci = 0; ci < c; ci++) {
          best[ci] = x[first + ci];
          arg[ci] = first + ci;
        }
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const base = ((n * h + iy) * w + ix) * c;
            for (let ci = 0; ci < c; ci++) {
              const v = x[base + ci];
              const b = best[ci];
              // Strictly greater keeps the first of equal maxima; the first NaN wins, as in the forward pass.
              if (v > b || (Number.isNaN(v) && !Number.isNaN(b))) {
                best[ci] = v;
                arg[ci] = base + ci;
              }
            }
          }
        }
        for (let ci = 0; ci < c; ci++, yi++) dx[arg[ci]] += dy[yi];
      }
    }
  }
}

/** Each `dy` is spread evenly over its window's non-padding elements; `dx` has x's shape, overwritten. */
export function avgPool2dGrad(dy: Float32Array, g: PoolGeometry, dx: Float32Array): void {
  const { n: batch, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl } = g;
  dx.fill(0);
  if (dx.length === 0) return;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - pt);
      const y1 = Math.min(h, oy * sh - pt + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - pl);
        const x1 = Math.min(w, ox * sw - pl + kw);
        const count = (y1 - y0) * (x1 - x0);
        if (count <= 0) continue;
        const scale = 1 / count;
        const yBase = ((n * oh + oy) * ow + ox) * c;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const base = ((n * h + iy) * w + ix) * c;
            for (let ci = 0; ci < c; ci++) dx[base + ci] += dy[yBase + ci] * scale;
          }
        }
      }
    }
  }
}
