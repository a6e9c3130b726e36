/** Resolving padding specs ('valid' / 'same' / explicit) into explicit pads and output sizes. */
import type { Pads2D } from '../backend.js';
import { ArgumentError, fmtShape, fmtValue, ShapeError } from '../errors.js';

/** `'valid'`, `'same'` (TensorFlow: output = ceil(in / stride), the odd pixel at bottom/right), or explicit. */
export type Padding = 'valid' | 'same' | readonly [readonly [number, number], readonly [number, number]];

export type Pair = readonly [number, number];

export function toPair(
  op: string,
  name: string,
  v: number | Pair | undefined,
  fallback: number,
): [number, number] {
  const p: [number, number] =
    v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isSafeInteger(x) && x >= 1)) {
    throw new ArgumentError(op, `${name} ${fmtValue(v)} must be positive integers`);
  }
  return p;
}

function samePads(inSize: number, k: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Explicit [[top, bottom], [left, right]] pads for a window `[kh, kw]` on an input `[h, w]`. */
export function resolvePads(
  op: string,
  padding: Padding,
  inHW: Pair,
  kernel: Pair,
  strides: Pair,
  dilations: Pair,
): Pads2D {
  if (padding === 'valid')
    return [
      [0, 0],
      [0, 0],
    ];
  if (padding === 'same') {
    return [
      samePads(inHW[0], kernel[0], strides[0], dilations[0]),
      samePads(inHW[1], kernel[1], strides[1], dilations[1]),
    ];
  }
  if (
    !Array.isArray(padding) ||
    padding.length !== 2 ||
    padding.some(
      (p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isSafeInteger(v) || v < 0),
    )
  ) {
    throw new ArgumentError(
      op,
      `padding ${fmtValue(padding)} must be 'valid', 'same' or [[top, bottom], [left, right]]`,
    );
  }
  return [
    [padding[0][0], padding[0][1]],
    [padding[1][0], padding[1][1]],
  ];
}

/** Output height and width of a window op; throws when the window does not fit. */
export function windowOutput(
  op: string,
  inShape: readonly number[],
  kernel: Pair,
  strides: Pair,
  dilations: Pair,
  pads: Pads2D,
): [number, number] {
  const dim = (i: 0 | 1) => {
    const span = (kernel[i] - 1) * dilations[i] + 1;
    const padded = inShape[1 + i] + pads[i][0] + pads[i][1];
    if (padded < span) {
      throw new ShapeError(
        op,
        `window ${kernel[i]} (dilation ${dilations[i]}) is larger than the padded input (${padded}) on axis ${1 + i} of ${fmtShape(inShape)}`,
      );
    }
    return Math.floor((padded - span) / strides[i]) + 1;
  };
  return [dim(0), dim(1)];
}
