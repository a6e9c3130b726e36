/**
 * How each ONNX op of the node tests maps onto Dendrite's ops. ONNX layouts (NCHW activations, OIHW conv
 * weights, ONNX gate orders) are converted here, at the boundary, so the ops under test are exactly the
 * ones users call. An adapter receives the positional inputs as tensors (null for an omitted optional
 * input), the attributes, and the raw JSON inputs (for constant operands such as axes or pads, read on
 * the host), and returns the positional outputs.
 */
import { add, div, maximum, minimum, mul, pow, sub } from '../ops/arithmetic.js';
import { castTo } from '../ops/cast.js';
import { equal, greater, greaterEqual, less, lessEqual, where } from '../ops/compare.js';
import { concat, stack } from '../ops/concat.js';
import { conv2d, conv2dTranspose } from '../ops/conv.js';
import { full, onesLike, tensor } from '../ops/creation.js';
import { tile } from '../ops/expand.js';
import { batchNorm } from '../ops/fused/batch-norm.js';
import { lstmCell } from '../ops/fused/lstm-cell.js';
import { gather } from '../ops/gather.js';
import { matmul } from '../ops/matmul.js';
import { pad } from '../ops/pad.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';
import { argmax, logsumexp, max, mean, min, sum } from '../ops/reduce.js';
import { expandDims, identity, reshape, squeeze } from '../ops/reshape.js';
import { slice, split } from '../ops/slice.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { transpose } from '../ops/transpose.js';
import { abs, erf, exp, log, neg, reciprocal, relu, sigmoid, sqrt, tanh } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import type { OnnxTensorJson } from './schema.js';

export type OnnxAttrs = Record<string, unknown>;
export type OnnxOpAdapter = (
  inputs: readonly (Tensor | null)[],
  attrs: OnnxAttrs,
  raw: readonly (OnnxTensorJson | null)[],
  /** how many outputs the case expects (optional outputs cost work) */
  nOutputs: number,
) => (Tensor | null)[];

/** Thrown by an adapter for an ONNX feature Dendrite does not offer (reported as unsupported). */
export class OnnxUnsupported extends Error {}

const int = (a: OnnxAttrs, k: string, dflt: number): number => (a[k] as number | undefined) ?? dflt;
const ints = (a: OnnxAttrs, k: string): number[] | undefined => a[k] as number[] | undefined;
/** Values of a constant input, read on the host. */
const values = (raw: OnnxTensorJson | null | undefined): number[] | undefined => raw?.data.map(Number);

// ─── layout helpers ────────────────────────────────────────────────────────────────────────────────

/** NC[spatial] -> N[spatial]C */
const channelsLast = (x: Tensor) => transpose(x, [0, ...x.shape.slice(2).map((_, i) => i + 2), 1]);
/** N[spatial]C -> NC[spatial] */
const channelsFirst = (x: Tensor) =>
  transpose(x, [0, x.rank - 1, ...x.shape.slice(1, -1).map((_, i) => i + 1)]);

/** ONNX pads [b1, b2, …, e1, e2, …] -> [[b1, e1], [b2, e2], …] */
function pairPads(p: number[] | undefined, n: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [p?.[i] ?? 0, p?.[i + n] ?? 0]);
}

/** Resolves auto_pad (SAME_UPPER / SAME_LOWER / VALID / NOTSET) into explicit pads per spatial axis. */
function autoPads(
  a: OnnxAttrs,
  inSizes: number[],
  kernel: number[],
  strides: number[],
  dilations: number[],
): [number, number][] {
  const mode = (a.auto_pad as string | undefined) ?? 'NOTSET';
  if (mode === 'NOTSET') return pairPads(ints(a, 'pads'), inSizes.length);
  if (mode === 'VALID') return inSizes.map(() => [0, 0]);
  return inSizes.map((n, i) => {
    const out = Math.ceil(n / strides[i]);
    const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - n, 0);
    const small = Math.floor(total / 2);
    return mode === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
  });
}

// ─── elementwise ───────────────────────────────────────────────────────────────────────────────────

const unary =
  (f: (x: Tensor) => Tensor): OnnxOpAdapter =>
  ([x]) => [f(x!)];
const binary =
  (f: (a: Tensor, b: Tensor) => Tensor): OnnxOpAdapter =>
  ([a, b]) => [f(a!, b!)];
const variadic =
  (f: (a: Tensor, b: Tensor) => Tensor): OnnxOpAdapter =>
  (xs) => [xs.slice(1).reduce<Tensor>((acc, x) => f(acc, x!), identity(xs[0]!))];

/** ONNX Pow allows mixed types; the result has the base's type. */
const onnxPow: OnnxOpAdapter = ([a, b]) => {
  if (a!.dtype === b!.dtype) return [pow(a!, b!)];
  const y = pow(castTo(a!, 'float32'), castTo(b!, 'float32'));
  return [a!.dtype === 'float32' ? y : castTo(y, a!.dtype)];
};

const clipOp: OnnxOpAdapter = ([x, lo, hi]) => {
  let y = identity(x!);
  if (lo) y = maximum(y, lo);
  if (hi) y = minimum(y, hi); // min > max gives max everywhere, as ONNX specifies
  return [y];
};

// ─── reductions ────────────────────────────────────────────────────────────────────────────────────

function reduceAxes(a: OnnxAttrs, raw: readonly (OnnxTensorJson | null)[]): number[] | null {
  const axes = values(raw[1]) ?? ints(a, 'axes');
  if (axes && axes.length > 0) return axes;
  return int(a, 'noop_with_empty_axes', 0) ? [] : null;
}

const reduction =
  (f: (x: Tensor, axes: number[] | null, keepdims: boolean) => Tensor): OnnxOpAdapter =>
  ([x], a, raw) => {
    const axes = reduceAxes(a, raw);
    if (axes && axes.length === 0) return [identity(x!)];
    const keep = int(a, 'keepdims', 1) === 1;
    // bool reductions (ReduceMin/Max on bool) go through int32
    if (x!.dtype === 'bool') return [castTo(f(castTo(x!, 'int32'), axes, keep), 'bool')];
    return [f(x!, axes, keep)];
  };

const argMax: OnnxOpAdapter = ([x], a) => {
  const axis = int(a, 'axis', 0);
  const keep = int(a, 'keepdims', 1) === 1;
  if (!int(a, 'select_last_index', 0)) return [argmax(x!, axis, keep)];
  // Last maximum = n - 1 - first maximum of the reversed axis.
  const ax = axis < 0 ? axis + x!.rank : axis;
  const n = x!.shape[ax];
  const reversed = gather(
    x!,
    tensor(
      Int32Array.from({ length: n }, (_, i) => n - 1 - i),
      [n],
      'int32',
    ),
    ax,
  );
  return [sub(full([], n - 1, 'int32', x!), argmax(reversed, ax, keep))];
};

// ─── shape ops ─────────────────────────────────────────────────────────────────────────────────────

const reshapeOp: OnnxOpAdapter = ([x], a, raw) => {
  const target = values(raw[1])!;
  const allowZero = int(a, 'allowzero', 0) === 1;
  return [
    reshape(
      x!,
      target.map((d, i) => (d === 0 && !allowZero ? x!.shape[i] : d)),
    ),
  ];
};

const squeezeOp: OnnxOpAdapter = ([x], a, raw) => [squeeze(x!, values(raw[1]) ?? ints(a, 'axes'))];

const unsqueezeOp: OnnxOpAdapter = ([x], a, raw) => {
  const axes = values(raw[1]) ?? ints(a, 'axes') ?? [];
  const rank = x!.rank + axes.length;
  const sorted = axes.map((v) => (v < 0 ? v + rank : v)).sort((p, q) => p - q);
  return [sorted.reduce((t, ax) => expandDims(t, ax), x!)];
};

const sliceOp: OnnxOpAdapter = ([x], _a, raw) => {
  const starts = values(raw[1])!;
  const ends = values(raw[2])!;
  const axes = values(raw[3]) ?? starts.map((_, i) => i);
  const steps = values(raw[4]) ?? starts.map(() => 1);
  let y = identity(x!);
  axes.forEach((axRaw, i) => {
    const ax = axRaw < 0 ? axRaw + x!.rank : axRaw;
    const n = x!.shape[ax];
    const step = steps[i];
    const clampIdx = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const start = step > 0 ? clampIdx(starts[i], 0, n) : clampIdx(starts[i], -1, n - 1);
    const end = step > 0 ? clampIdx(ends[i], 0, n) : clampIdx(ends[i], -1, n - 1);
    const picks: number[] = [];
    for (let k = start; step > 0 ? k < end : k > end; k += step) picks.push(k);
    if (step === 1) {
      const begin = y.shape.map(() => 0);
      const size = y.shape.map(() => -1);
      begin[ax] = start;
      size[ax] = picks.length;
      y = slice(y, begin, size);
    } else {
      y = gather(y, tensor(Int32Array.from(picks), [picks.length], 'int32'), ax);
    }
  });
  return [y];
};

/** Index of the source element for each output position of a non-constant pad along one axis. */
function padIndices(mode: string, n: number, before: number, after: number): Int32Array {
  const out = new Int32Array(n + before + after);
  for (let o = 0; o < out.length; o++) {
    let i = o - before;
    if (mode === 'edge') i = Math.min(Math.max(i, 0), n - 1);
    else if (mode === 'wrap') i = ((i % n) + n) % n;
    else {
      // reflect (mirror without repeating the edge)
      const period = 2 * (n - 1);
      i = period === 0 ? 0 : ((i % period) + period) % period;
      if (i >= n) i = period - i;
    }
    out[o] = i;
  }
  return out;
}

const padOp: OnnxOpAdapter = ([x, , cv], a, raw) => {
  const mode = (a.mode as string | undefined) ?? 'constant';
  const pv = values(raw[1])!;
  const axes = (values(raw[3]) ?? x!.shape.map((_, i) => i)).map((v) => (v < 0 ? v + x!.rank : v));
  const pairs: [number, number][] = x!.shape.map(() => [0, 0]);
  axes.forEach((ax, i) => {
    pairs[ax] = [pv[i], pv[i + axes.length]];
  });
  if (pairs.some(([b, e]) => b < 0 || e < 0)) throw new OnnxUnsupported('negative pads (cropping)');
  if (mode === 'constant') return [pad(x!, pairs, cv ? Number(values(raw[2])![0]) : 0)];
  let y = identity(x!);
  pairs.forEach(([b, e], ax) => {
    if (b === 0 && e === 0) return;
    const idx = padIndices(mode, x!.shape[ax], b, e);
    y = gather(y, tensor(idx, [idx.length], 'int32'), ax);
  });
  return [y];
};

const gatherOp: OnnxOpAdapter = ([x, idx], a) => {
  const axis = int(a, 'axis', 0);
  const n = x!.shape[axis < 0 ? axis + x!.rank : axis];
  // ONNX allows negative indices (from the end).
  return [gather(x!, where(less(idx!, 0), add(idx!, full([], n, 'int32', idx!)), idx!), axis)];
};

// ─── linear algebra and convolution ────────────────────────────────────────────────────────────────

const gemm: OnnxOpAdapter = ([A, B, C], a) => {
  let y = matmul(A!, B!, { transposeA: int(a, 'transA', 0) === 1, transposeB: int(a, 'transB', 0) === 1 });
  const alpha = (a.alpha as number | undefined) ?? 1;
  const beta = (a.beta as number | undefined) ?? 1;
  if (alpha !== 1) y = mul(y, alpha);
  if (C) y = add(y, beta === 1 ? C : mul(C, beta));
  return [y];
};

/** Runs a 2-D NHWC op on 1-D (N, C, L) or 2-D (N, C, H, W) ONNX data. */
function spatial2d(x: Tensor, f: (nhwc: Tensor) => Tensor): Tensor {
  if (x.rank === 3) {
    const y = f(channelsLast(expandDims(x, 2)));
    return squeeze(channelsFirst(y), 2);
  }
  if (x.rank === 4) return channelsFirst(f(channelsLast(x)));
  throw new OnnxUnsupported(
    `${x.rank - 2}-D spatial data: Dendrite's convolution and pooling kernels are 2-D (NHWC)`,
  );
}

/** A 1-D attribute list becomes the 2-D one by prepending the identity value for the added H axis. */
const as2d = (v: number[], rank: number, unit: number): [number, number] =>
  rank === 3 ? [unit, v[0]] : [v[0], v[1]];

const convOp: OnnxOpAdapter = ([x, w, b], a) => {
  const rank = x!.rank;
  const nsp = rank - 2;
  const kernel = ints(a, 'kernel_shape') ?? w!.shape.slice(2);
  const strides = ints(a, 'strides') ?? kernel.map(() => 1);
  const dilations = ints(a, 'dilations') ?? kernel.map(() => 1);
  const pads = autoPads(a, x!.shape.slice(2), kernel, strides, dilations);
  const padding = (rank === 3 ? [[0, 0], pads[0]] : pads) as [[number, number], [number, number]];
  // OIHW -> HWIO (1-D: OIL -> 1LIO)
  const filter = rank === 3 ? expandDims(transpose(w!, [2, 1, 0]), 0) : transpose(w!, [2, 3, 1, 0]);
  if (nsp > 2) throw new OnnxUnsupported(`${nsp}-D convolution`);
  return [
    spatial2d(x!, (t) =>
      conv2d(t, filter, {
        strides: as2d(strides, rank, 1),
        dilations: as2d(dilations, rank, 1),
        padding,
        groups: int(a, 'group', 1),
        bias: b ?? null,
      }),
    ),
  ];
};

/** ONNX ConvTranspose (any group count, 1-D/2-D directly, 3-D by summing 2-D slices over depth). */
const convTransposeOp: OnnxOpAdapter = ([x, w, b], a) => {
  const nsp = x!.rank - 2;
  const kernel = ints(a, 'kernel_shape') ?? w!.shape.slice(2);
  const strides = ints(a, 'strides') ?? kernel.map(() => 1);
  const dilations = ints(a, 'dilations') ?? kernel.map(() => 1);
  const outPad = ints(a, 'output_padding') ?? kernel.map(() => 0);
  const group = int(a, 'group', 1);
  const inSizes = x!.shape.slice(2);
  const span = kernel.map((k, i) => (k - 1) * dilations[i] + 1);
  const outputShape = ints(a, 'output_shape');
  let pads: [number, number][];
  if (outputShape) {
    const mode = (a.auto_pad as string | undefined) ?? 'NOTSET';
    pads = inSizes.map((n, i) => {
      // A negative total means output_shape asks for more than the natural size: the extra positions, at
      // the end, receive nothing (zeros), exactly as the adjoint over the larger output gives.
      const total = Math.max(strides[i] * (n - 1) + outPad[i] + span[i] - outputShape[i], 0);
      const half = Math.floor(total / 2);
      return mode === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
    });
  } else if (a.auto_pad === 'SAME_UPPER' || a.auto_pad === 'SAME_LOWER') {
    pads = inSizes.map((n, i) => {
      const total = Math.max(strides[i] * (n - 1) + outPad[i] + span[i] - n * strides[i], 0);
      const half = Math.floor(total / 2);
      return a.auto_pad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
    });
  } else {
    pads = pairPads(ints(a, 'pads'), nsp);
  }
  const outSizes =
    outputShape ??
    inSizes.map((n, i) => strides[i] * (n - 1) + outPad[i] + span[i] - pads[i][0] - pads[i][1]);
  const cOutPerGroup = w!.shape[1];
  const xs = group === 1 ? [x!] : split(x!, group, 1);
  const ws = group === 1 ? [w!] : split(w!, group, 0);
  const run2d = (
    xg: Tensor,
    wg: Tensor,
    dims: number[],
    st: number[],
    dil: number[],
    pd: [number, number][],
  ) => {
    // (Cin, Cout, kh, kw) -> (kh, kw, Cout, Cin); 1-D gains a unit H axis
    const f = dims.length === 1 ? expandDims(transpose(wg, [2, 1, 0]), 0) : transpose(wg, [2, 3, 1, 0]);
    const x2 = dims.length === 1 ? channelsLast(expandDims(xg, 2)) : channelsLast(xg);
    const os = dims.length === 1 ? [1, dims[0]] : dims;
    const y = conv2dTranspose(x2, f, [xg.shape[0], os[0], os[1], cOutPerGroup], {
      strides: dims.length === 1 ? [1, st[0]] : [st[0], st[1]],
      dilations: dims.length === 1 ? [1, dil[0]] : [dil[0], dil[1]],
      padding: (dims.length === 1 ? [[0, 0], pd[0]] : pd) as [[number, number], [number, number]],
    });
    const nchw = channelsFirst(y);
    return dims.length === 1 ? squeeze(nchw, 2) : nchw;
  };
  let groups: Tensor[];
  if (nsp <= 2) {
    groups = xs.map((xg, g) => run2d(xg, ws[g], outSizes, strides, dilations, pads));
  } else if (nsp === 3) {
    // Depth by hand: input depth d with kernel depth k lands on canvas depth d*s + k*dil.
    const canvasD = strides[0] * (inSizes[0] - 1) + span[0] + outPad[0];
    groups = xs.map((xg, g) => {
      const planes: (Tensor | null)[] = new Array(canvasD).fill(null);
      for (let d = 0; d < inSizes[0]; d++) {
        const xd = squeeze(slice(xg, [0, 0, d], [-1, -1, 1]), 2);
        for (let k = 0; k < kernel[0]; k++) {
          const wk = squeeze(slice(ws[g], [0, 0, k], [-1, -1, 1]), 2);
          const fullPads: [number, number][] = [
            [0, 0],
            [0, 0],
          ];
          const hw = [1, 2].map((i) => strides[i] * (inSizes[i] - 1) + span[i] + outPad[i]);
          const y = run2d(xd, wk, hw, strides.slice(1), dilations.slice(1), fullPads);
          const at = d * strides[0] + k * dilations[0];
          planes[at] = planes[at] ? add(planes[at]!, y) : y;
        }
      }
      const zero = full(
        [
          xg.shape[0],
          cOutPerGroup,
          ...[1, 2].map((i) => strides[i] * (inSizes[i] - 1) + span[i] + outPad[i]),
        ],
        0,
      );
      const canvas = stack(
        planes.map((p) => p ?? zero),
        2,
      );
      const begin = [0, 0, pads[0][0], pads[1][0], pads[2][0]];
      return slice(canvas, begin, [-1, -1, ...outSizes]);
    });
  } else {
    throw new OnnxUnsupported(`${nsp}-D transposed convolution`);
  }
  let y = group === 1 ? groups[0] : concat(groups, 1);
  if (b) y = add(y, reshape(b, [b.shape[0], ...new Array(nsp).fill(1)]));
  return [y];
};

// ─── pooling ───────────────────────────────────────────────────────────────────────────────────────

interface PoolGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: [number, number][];
  /** extra end padding that ceil_mode adds (never counted by an average) */
  extra: number[];
  out: number[];
}

function poolGeometry(x: Tensor, a: OnnxAttrs): PoolGeometry {
  const kernel = ints(a, 'kernel_shape')!;
  const strides = ints(a, 'strides') ?? kernel.map(() => 1);
  const dilations = ints(a, 'dilations') ?? kernel.map(() => 1);
  const inSizes = x.shape.slice(2);
  const pads = autoPads(a, inSizes, kernel, strides, dilations);
  const ceil = int(a, 'ceil_mode', 0) === 1;
  const out = inSizes.map((n, i) => {
    const span = (kernel[i] - 1) * dilations[i] + 1;
    const q = (n + pads[i][0] + pads[i][1] - span) / strides[i];
    let o = (ceil ? Math.ceil(q) : Math.floor(q)) + 1;
    // a window must start inside the input or its left padding
    if (ceil && (o - 1) * strides[i] >= n + pads[i][0]) o--;
    return o;
  });
  const extra = inSizes.map((n, i) => {
    const span = (kernel[i] - 1) * dilations[i] + 1;
    return Math.max((out[i] - 1) * strides[i] + span - (n + pads[i][0] + pads[i][1]), 0);
  });
  return { kernel, strides, dilations, pads, extra, out };
}

/** Every kernel offset's strided view of `padded` (already padded by g.pads and g.extra at the ends). */
function windowViews(padded: Tensor, g: PoolGeometry): Tensor[] {
  const nsp = g.kernel.length;
  const views: Tensor[] = [];
  const walk = (i: number, v: Tensor) => {
    if (i === nsp) {
      views.push(v);
      return;
    }
    for (let k = 0; k < g.kernel[i]; k++) {
      const idx = Int32Array.from({ length: g.out[i] }, (_, o) => o * g.strides[i] + k * g.dilations[i]);
      walk(i + 1, gather(v, tensor(idx, [idx.length], 'int32'), i + 2));
    }
  };
  walk(0, padded);
  return views;
}

/** Pads the spatial axes: explicit pads (when asked) plus ceil_mode's extra at the end. */
function padSpatial(t: Tensor, g: PoolGeometry, value: number, withExplicit: boolean): Tensor {
  const spatial = g.pads.map(
    (p, i) => [withExplicit ? p[0] : 0, (withExplicit ? p[1] : 0) + g.extra[i]] as [number, number],
  );
  return pad(t, [[0, 0], [0, 0], ...spatial], value);
}

/**
 * Pooling of any rank and dilation, built from gathers: every kernel offset picks a strided view of the
 * padded input, then the views are reduced. Used where the 2-D kernels do not apply (3-D, dilated
 * windows, pads as large as the window).
 */
function pooledByGather(x: Tensor, g: PoolGeometry, op: 'max' | 'avg', countPads: boolean): Tensor {
  if (op === 'max') return max(stack(windowViews(padSpatial(x, g, -Infinity, true), g), 0), 0);
  const total = sum(stack(windowViews(padSpatial(x, g, 0, true), g), 0), 0);
  // Each window averages over its real elements, plus the explicit pads when count_include_pad is set.
  const ones = onesLike(x);
  const weights = countPads
    ? pad(
        padSpatial(ones, g, 0, false),
        [[0, 0], [0, 0], ...g.pads.map((p) => [p[0], p[1]] as [number, number])],
        1,
      )
    : padSpatial(ones, g, 0, true);
  return div(total, sum(stack(windowViews(weights, g), 0), 0));
}

/** MaxPool's Indices output: flat NCHW index of the first maximum of each window. */
function maxIndices(x: Tensor, y: Tensor, g: PoolGeometry): Tensor {
  const flat = reshape(
    tensor(
      Int32Array.from({ length: x.size }, (_, i) => i),
      [x.size],
      'int32',
    ),
    x.shape,
  );
  const vals = windowViews(padSpatial(x, g, -Infinity, true), g);
  const idxs = windowViews(padSpatial(flat, g, -1, true), g);
  let found = full(y.shape, 0, 'bool', y);
  let out = full(y.shape, -1, 'int32', y);
  vals.forEach((v, k) => {
    const hit = greater(castTo(equal(v, y), 'int32'), castTo(found, 'int32'));
    out = where(hit, idxs[k], out);
    found = greater(add(castTo(found, 'int32'), castTo(hit, 'int32')), 0);
  });
  return out;
}

const poolOp =
  (op: 'max' | 'avg'): OnnxOpAdapter =>
  ([x], a) => {
    if (int(a, 'storage_order', 0) !== 0) throw new OnnxUnsupported('MaxPool storage_order = 1');
    const g = poolGeometry(x!, a);
    const countPads = op === 'avg' && int(a, 'count_include_pad', 0) === 1;
    const plain2d =
      x!.rank <= 4 &&
      g.dilations.every((d) => d === 1) &&
      g.pads.every((p, i) => p[0] < g.kernel[i] && p[1] + g.extra[i] < g.kernel[i]);
    if (!plain2d) return [pooledByGather(x!, g, op, countPads)];
    const rank = x!.rank;
    const y = spatial2d(x!, (t) => {
      const explicit = (rank === 3 ? [[0, 0], g.pads[0]] : g.pads) as [number, number][];
      const extra = rank === 3 ? [0, g.extra[0]] : g.extra;
      // counted pads become real zeros; ceil_mode's extra end pads stay uncounted padding
      const src = countPads ? pad(t, [[0, 0], ...explicit, [0, 0]]) : t;
      const pads = explicit.map((p, i) => (countPads ? [0, extra[i]] : [p[0], p[1] + extra[i]])) as [
        [number, number],
        [number, number],
      ];
      const window = as2d(g.kernel, rank, 1);
      const strides = as2d(g.strides, rank, 1);
      return op === 'max'
        ? maxPool2d(src, window, { strides, padding: pads })
        : avgPool2d(src, window, { strides, padding: pads });
    });
    return [y];
  };

const maxPoolOp: OnnxOpAdapter = (xs, a, raw, nOutputs) => {
  const [y] = poolOp('max')(xs, a, raw, 1);
  return nOutputs > 1 ? [y, maxIndices(xs[0]!, y!, poolGeometry(xs[0]!, a))] : [y];
};

const globalPool =
  (f: (x: Tensor, axes: number[], keepdims: boolean) => Tensor): OnnxOpAdapter =>
  ([x]) => [
    f(
      x!,
      x!.shape.slice(2).map((_, i) => i + 2),
      true,
    ),
  ];

const batchNormOp: OnnxOpAdapter = ([x, scale, bias, m, v], a) => {
  if (int(a, 'training_mode', 0) === 1) throw new OnnxUnsupported('BatchNormalization training_mode = 1');
  const eps = (a.epsilon as number | undefined) ?? 1e-5;
  return [channelsFirst(batchNorm(channelsLast(x!), { mean: m!, variance: v! }, scale!, bias!, eps))];
};

/** Inference-mode dropout (or ratio 0): identity, with an all-true mask. */
const dropoutOp: OnnxOpAdapter = ([x, ratio, training], _a, raw) => {
  const r = ratio ? Number(values(raw[1])![0]) : 0.5;
  const train = training ? Boolean(raw[2]!.data[0]) : false;
  if (train && r > 0) throw new OnnxUnsupported('training-mode Dropout draws random masks (not comparable)');
  return [identity(x!), full(x!.shape, 1, 'bool', x!)];
};

// ─── LSTM ──────────────────────────────────────────────────────────────────────────────────────────

/** ONNX gate blocks i, o, f, c -> Dendrite's i, f, g(c), o along axis `axis`. */
function reorderGates(t: Tensor, axis: number): Tensor {
  const [i, o, f, c] = split(t, 4, axis);
  return concat([i, f, c, o], axis);
}

const lstmOp: OnnxOpAdapter = ([X, W, R, B, seqLens, h0, c0, P], a, raw) => {
  if (((a.direction as string | undefined) ?? 'forward') !== 'forward')
    throw new OnnxUnsupported('LSTM direction other than forward');
  if (a.activations || a.clip !== undefined || int(a, 'input_forget', 0))
    throw new OnnxUnsupported('LSTM custom activations / clip / input_forget');
  const hidden = int(a, 'hidden_size', 0);
  const batchFirst = int(a, 'layout', 0) === 1;
  const x = batchFirst ? X! : transpose(X!, [1, 0, 2]); // [batch, seq, input]
  const [batch, steps] = x.shape;
  // Full-length sequences only: variable lengths would need per-example masking.
  if (seqLens && !values(raw[4])!.every((v) => v === steps))
    throw new OnnxUnsupported('LSTM sequence_lens shorter than the sequence');
  const Wk = reorderGates(transpose(squeeze(W!, 0)), 1); // [input, 4H]
  const Uk = reorderGates(transpose(squeeze(R!, 0)), 1); // [H, 4H]
  const bias = B
    ? (() => {
        const [wb, rb] = split(squeeze(B, 0), 2, 0);
        return reorderGates(add(wb, rb), 0);
      })()
    : full([4 * hidden], 0);
  let h = h0 ? (batchFirst ? squeeze(h0, 1) : squeeze(h0, 0)) : full([batch, hidden], 0);
  let c = c0 ? (batchFirst ? squeeze(c0, 1) : squeeze(c0, 0)) : full([batch, hidden], 0);
  const peep = P ? split(squeeze(P, 0), 3, 0) : null; // i, o, f
  const ys: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const xt = squeeze(slice(x, [0, t, 0], [-1, 1, -1]), 1);
    const z = add(add(matmul(xt, Wk), matmul(h, Uk)), bias);
    if (!peep) {
      const next = lstmCell(z, c);
      h = next.h;
      c = next.c;
    } else {
      const [zi, zf, zg, zo] = split(z, 4, 1);
      const ig = sigmoid(add(zi, mul(peep[0], c)));
      const fg = sigmoid(add(zf, mul(peep[2], c)));
      c = add(mul(fg, c), mul(ig, tanh(zg)));
      h = mul(sigmoid(add(zo, mul(peep[1], c))), tanh(c));
    }
    ys.push(h);
  }
  const y = stack(ys, batchFirst ? 1 : 0); // [batch, seq, H] or [seq, batch, H]
  const Y = expandDims(y, 2 - (batchFirst ? 0 : 1)); // add num_directions
  const Yh = expandDims(h, batchFirst ? 1 : 0);
  const Yc = expandDims(c, batchFirst ? 1 : 0);
  return [Y, Yh, Yc];
};

export const ONNX_OPS: Record<string, OnnxOpAdapter> = {
  Abs: unary(abs),
  Neg: unary(neg),
  Exp: unary(exp),
  Log: unary(log),
  Sqrt: unary(sqrt),
  Reciprocal: unary(reciprocal),
  Erf: unary(erf),
  Tanh: unary(tanh),
  Sigmoid: unary(sigmoid),
  Relu: unary(relu),
  Identity: unary(identity),
  Add: binary(add),
  Sub: binary(sub),
  Mul: binary(mul),
  Div: binary(div),
  Pow: onnxPow,
  Max: variadic(maximum),
  Min: variadic(minimum),
  Equal: binary(equal),
  Greater: binary(greater),
  GreaterOrEqual: binary(greaterEqual),
  Less: binary(less),
  LessOrEqual: binary(lessEqual),
  Where: ([c, x, y]) => [where(c!, x!, y!)],
  Clip: clipOp,
  ArgMax: argMax,
  ReduceSum: reduction(sum),
  ReduceMean: reduction(mean),
  ReduceMax: reduction(max),
  ReduceMin: reduction(min),
  ReduceLogSumExp: reduction(logsumexp),
  Softmax: ([x], a) => [softmax(x!, int(a, 'axis', -1))],
  LogSoftmax: ([x], a) => [logSoftmax(x!, int(a, 'axis', -1))],
  Concat: (xs, a) => [concat(xs as Tensor[], int(a, 'axis', 0))],
  Flatten: ([x], a) => {
    const axis = int(a, 'axis', 1);
    const ax = axis < 0 ? axis + x!.rank : axis;
    // ONNX flattens to 2-D: [prod(dims before axis), prod(dims from axis)]
    const lead = x!.shape.slice(0, ax).reduce((p, q) => p * q, 1);
    return [reshape(x!, [lead, x!.size / Math.max(lead, 1)])];
  },
  Gather: gatherOp,
  Reshape: reshapeOp,
  Squeeze: squeezeOp,
  Unsqueeze: unsqueezeOp,
  Slice: sliceOp,
  Tile: ([x], _a, raw) => [tile(x!, values(raw[1])!)],
  Transpose: ([x], a) => [transpose(x!, ints(a, 'perm'))],
  Pad: padOp,
  Gemm: gemm,
  MatMul: binary((p, q) => matmul(p, q)),
  Conv: convOp,
  ConvTranspose: convTransposeOp,
  MaxPool: maxPoolOp,
  AveragePool: poolOp('avg'),
  GlobalAveragePool: globalPool(mean),
  GlobalMaxPool: globalPool(max),
  BatchNormalization: batchNormOp,
  Dropout: dropoutOp,
  LSTM: lstmOp,
};

/** Adds (or replaces) ONNX adapters: packages above core register the ops they implement. */
export function registerOnnxOps(adapters: Record<string, OnnxOpAdapter>): void {
  Object.assign(ONNX_OPS, adapters);
}
