/**
 * Window geometry of convolution and pooling, computed once: core resolves padding specs and checks that
 * a window fits (`resolvePads`, `windowOutput`), and every backend reads the same numbers back from the
 * kernel's shapes and attributes (`convGeometry`, `poolGeometry`). Both use `windowOutputSize`, the one
 * output-size formula.
 */
import type { Conv2DAttrs, Pads2D, Pool2DAttrs } from '../../backend.js';
import { ArgumentError, fmtShape, fmtValue, ShapeError } from '../../errors.js';

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
    const span = windowSpan(kernel[i], dilations[i]);
    const padded = inShape[1 + i] + pads[i][0] + pads[i][1];
    if (padded < span) {
      throw new ShapeError(
        op,
        `window ${kernel[i]} (dilation ${dilations[i]}) is larger than the padded input (${padded}) on axis ${1 + i} of ${fmtShape(inShape)}`,
      );
    }
    return windowOutputSize(inShape[1 + i], kernel[i], strides[i], dilations[i], pads[i][0], pads[i][1]);
  };
  return [dim(0), dim(1)];
}

/** Input pixels a window of `k` taps with dilation `d` spans. */
export function windowSpan(k: number, d: number): number {
  return (k - 1) * d + 1;
}

/** Output positions of a window op along one axis: `floor((in + before + after - span) / stride) + 1`. */
export function windowOutputSize(
  inSize: number,
  k: number,
  stride: number,
  dilation: number,
  before: number,
  after: number,
): number {
  return Math.floor((inSize + before + after - windowSpan(k, dilation)) / stride) + 1;
}

/**
 * Every number of one NHWC convolution with a `[kh, kw, Cin/groups, Cout]` filter. Output pixel
 * (n, oy, ox) reads input pixels (n, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw); output channel o belongs to
 * group floor(o / coutG) and reads input channels group*cinG … (group+1)*cinG - 1.
 */
export interface ConvGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly kh: number;
  readonly kw: number;
  /** Input channels per group (the filter's third axis). */
  readonly cinG: number;
  readonly cout: number;
  /** Output channels per group. */
  readonly coutG: number;
  readonly oh: number;
  readonly ow: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly pt: number;
  readonly pb: number;
  readonly pl: number;
  readonly pr: number;
  readonly groups: number;
  /** 1×1, stride 1, no padding: output pixel p reads input pixel p alone (x itself is the im2col matrix). */
  readonly pointwise: boolean;
}

/**
 * The geometry of a convolution of `xShape` `[N, H, W, Cin]` by `filterShape` `[kh, kw, Cin/groups, Cout]`
 * (for the gradients: x's shape is the input gradient's, the filter's the filter gradient's). Trusts
 * shapes and attributes (core validated them).
 */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Conv2DAttrs,
): ConvGeometry {
  const [n, h, w, cin] = xShape;
  const [kh, kw, cinG, cout] = filterShape;
  const [sh, sw] = attrs.strides;
  const [dh, dw] = attrs.dilations;
  const [[pt, pb], [pl, pr]] = attrs.pads;
  const groups = attrs.groups;
  return {
    n,
    h,
    w,
    cin,
    kh,
    kw,
    cinG,
    cout,
    coutG: cout / groups,
    oh: windowOutputSize(h, kh, sh, dh, pt, pb),
    ow: windowOutputSize(w, kw, sw, dw, pl, pr),
    sh,
    sw,
    dh,
    dw,
    pt,
    pb,
    pl,
    pr,
    groups,
    pointwise: kh === 1 && kw === 1 && sh === 1 && sw === 1 && pt + pb + pl + pr === 0,
  };
}

/** One input channel per group and more than one group: depthwise (any channel multiplier coutG). */
export function isDepthwise(g: ConvGeometry): boolean {
  return g.cinG === 1 && g.groups > 1;
}

/** Every number of one NHWC pooling window op (padding never counts, see Pool2DAttrs). */
export interface PoolGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pb: number;
  readonly pl: number;
  readonly pr: number;
  readonly oh: number;
  readonly ow: number;
}

/** The geometry of pooling `xShape` `[N, H, W, C]` (for the gradients: the input gradient's shape). */
export function poolGeometry(xShape: readonly number[], attrs: Pool2DAttrs): PoolGeometry {
  const [n, h, w, c] = xShape;
  const [kh, kw] = attrs.window;
  const [sh, sw] = attrs.strides;
  const [[pt, pb], [pl, pr]] = attrs.pads;
  return {
    n,
    h,
    w,
    c,
    kh,
    kw,
    sh,
    sw,
    pt,
    pb,
    pl,
    pr,
    oh: windowOutputSize(h, kh, sh, 1, pt, pb),
    ow: windowOutputSize(w, kw, sw, 1, pl, pr),
  };
}

/**
 * The input rows (or columns) `[lo, hi)` that output position `o` of a pooling window covers, clipped to
 * the input: padding is never visited.
 */
export function windowRange(
  o: number,
  stride: number,
  before: number,
  k: number,
  size: number,
): [number, number] {
  const start = o * stride - before;
  return [Math.max(0, start), Math.min(size, start + k)];
}
