/**
 * Max and average pooling (NHWC) and their gradients. Each output pixel's window is clipped to the input
 * first, so padding is simply never visited: it is -Infinity for max (never wins) and does not count
 * towards an average (TensorFlow's count_include_pad = false).
 */
import type { Pool2DAttrs } from '@dendrite/core';

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

/** `x` `[N, H, W, C]` -> `outShape` `[N, OH, OW, C]`. */
export function pool2d(
  op: 'max' | 'avg',
  x: Float32Array,
  xShape: readonly number[],
  attrs: Pool2DAttrs,
  outShape: readonly number[],
): Float32Array {
  const [batch, h, w, c] = xShape;
  const [, oh, ow] = outShape;
  const [kh, kw] = attrs.window;
  const [sh, sw] = attrs.strides;
  const top = attrs.pads[0][0];
  const left = attrs.pads[1][0];
  const y = new Float32Array(batch * oh * ow * c);
  if (y.length === 0) return y;
  scratch(c);
  const acc = accRow;
  const isMax = op === 'max';
  let yi = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(h, oy * sh - top + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(w, ox * sw - left + kw);
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
  return y;
}

/**
 * Each `dy` goes to the first maximum of its window in row-major window order (the element max pooling
 * picked); `outShape` is x's shape.
 */
export function maxPool2dGrad(
  dy: Float32Array,
  dyShape: readonly number[],
  x: Float32Array,
  xShape: readonly number[],
  attrs: Pool2DAttrs,
  outShape: readonly number[],
): Float32Array {
  const [batch, h, w, c] = xShape;
  const [, oh, ow] = dyShape;
  const [kh, kw] = attrs.window;
  const [sh, sw] = attrs.strides;
  const top = attrs.pads[0][0];
  const left = attrs.pads[1][0];
  const dx = new Float32Array(outShape[0] * outShape[1] * outShape[2] * outShape[3]);
  if (dx.length === 0) return dx;
  scratch(c);
  const best = accRow;
  const arg = argRow;
  let yi = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(h, oy * sh - top + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(w, ox * sw - left + kw);
        arg.fill(-1, 0, c);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const base = ((n * h + iy) * w + ix) * c;
            for (let ci = 0; ci < c; ci++) {
              const v = x[base + ci];
              const b = best[ci];
              // Strictly greater keeps the first of equal maxima; the first NaN wins, as in the forward pass.
              if (arg[ci] < 0 || v > b || (Number.isNaN(v) && !Number.isNaN(b))) {
                best[ci] = v;
                arg[ci] = base + ci;
              }
            }
          }
        }
        for (let ci = 0; ci < c; ci++, yi++) {
          if (arg[ci] >= 0) dx[arg[ci]] += dy[yi];
        }
      }
    }
  }
  return dx;
}

/** Each `dy` is spread evenly over its window's non-padding elements; `outShape` is x's shape. */
export function avgPool2dGrad(
  dy: Float32Array,
  dyShape: readonly number[],
  attrs: Pool2DAttrs,
  outShape: readonly number[],
): Float32Array {
  const [batch, h, w, c] = outShape;
  const [, oh, ow] = dyShape;
  const [kh, kw] = attrs.window;
  const [sh, sw] = attrs.strides;
  const top = attrs.pads[0][0];
  const left = attrs.pads[1][0];
  const dx = new Float32Array(batch * h * w * c);
  if (dx.length === 0) return dx;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(h, oy * sh - top + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(w, ox * sw - left + kw);
        const count = (y1 - y0) * (x1 - x0);
        if (count === 0) continue;
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
  return dx;
}
