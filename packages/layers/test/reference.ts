/**
 * Independent float64 references in plain JavaScript (nested loops over flat row-major arrays) for the
 * layers' tests: nothing here calls Dendrite.
 */

export type Pads = [[number, number], [number, number]];

/** TensorFlow 'same' pads for one axis. */
export function samePads(n: number, k: number, s: number, dil = 1): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + (k - 1) * dil + 1 - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** NHWC conv with an HWIO filter `[kh, kw, cin / groups, cout]`, explicit pads. */
export function conv2dRef(
  x: ArrayLike<number>,
  [n, h, w, cin]: number[],
  f: ArrayLike<number>,
  [kh, kw, fin, cout]: number[],
  strides: [number, number],
  pads: Pads,
  dil: [number, number] = [1, 1],
  groups = 1,
): { values: number[]; shape: number[] } {
  const oh = Math.floor((h + pads[0][0] + pads[0][1] - ((kh - 1) * dil[0] + 1)) / strides[0]) + 1;
  const ow = Math.floor((w + pads[1][0] + pads[1][1] - ((kw - 1) * dil[1] + 1)) / strides[1]) + 1;
  const out: number[] = new Array(n * oh * ow * cout).fill(0);
  const perGroupOut = cout / groups;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / perGroupOut);
          let s = 0;
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++) {
              const y = i * strides[0] - pads[0][0] + p * dil[0];
              const xx = j * strides[1] - pads[1][0] + q * dil[1];
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              for (let c = 0; c < fin; c++) {
                s += x[((b * h + y) * w + xx) * cin + g * fin + c] * f[((p * kw + q) * fin + c) * cout + o];
              }
            }
          out[((b * oh + i) * ow + j) * cout + o] = s;
        }
  return { values: out, shape: [n, oh, ow, cout] };
}

/** Pooling of NHWC windows with explicit pads (max: padding never wins; avg: over real elements only). */
export function pool2dRef(
  kind: 'max' | 'avg',
  x: ArrayLike<number>,
  [n, h, w, c]: number[],
  win: [number, number],
  strides: [number, number],
  pads: Pads,
): { values: number[]; shape: number[] } {
  const oh = Math.floor((h + pads[0][0] + pads[0][1] - win[0]) / strides[0]) + 1;
  const ow = Math.floor((w + pads[1][0] + pads[1][1] - win[1]) / strides[1]) + 1;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let p = 0; p < win[0]; p++)
            for (let q = 0; q < win[1]; q++) {
              const y = i * strides[0] - pads[0][0] + p;
              const xx = j * strides[1] - pads[1][0] + q;
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              const v = x[((b * h + y) * w + xx) * c + ch];
              best = Math.max(best, v);
              sum += v;
              count++;
            }
          out.push(kind === 'max' ? best : sum / count);
        }
  return { values: out, shape: [n, oh, ow, c] };
}

export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** `[rows, k] @ [k, cols]`. */
export function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  k: number,
  cols: number,
): number[] {
  const out: number[] = new Array(rows * cols).fill(0);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += a[r * k + i] * b[i * cols + c];
      out[r * cols + c] = s;
    }
  return out;
}

/**
 * Transposed conv as a scatter: every input pixel adds `x * f[p, q, :, ci]` into a canvas of the output
 * size plus pads at stride `strides`, and the canvas is cropped by the top/left pads.
 */
export function conv2dTransposeRef(
  x: ArrayLike<number>,
  [n, h, w, cin]: number[],
  f: ArrayLike<number>,
  [kh, kw, cout]: number[],
  strides: [number, number],
  [oh, ow]: [number, number],
  pads: Pads,
): number[] {
  const out: number[] = new Array(n * oh * ow * cout).fill(0);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let ci = 0; ci < cin; ci++) {
          const v = x[((b * h + i) * w + j) * cin + ci];
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++) {
              const y = i * strides[0] + p - pads[0][0];
              const xx = j * strides[1] + q - pads[1][0];
              if (y < 0 || y >= oh || xx < 0 || xx >= ow) continue;
              for (let co = 0; co < cout; co++) {
                out[((b * oh + y) * ow + xx) * cout + co] += v * f[((p * kw + q) * cout + co) * cin + ci];
              }
            }
        }
  return out;
}
