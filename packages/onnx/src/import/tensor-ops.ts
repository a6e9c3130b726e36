/**
 * ONNX's elementwise, shape and reduction ops on Dendrite tensors. Rank-4 values stay NHWC where an op
 * does not care about the layout (elementwise, reductions and concatenations with their axes mapped),
 * and are turned back to NCHW only where ONNX's element order matters (reshape, flatten…).
 */
import * as act from '@dendrite/activations';
import {
  abs,
  add,
  argmax,
  argmin,
  broadcastTo,
  castTo,
  ceil,
  concat,
  div,
  equal,
  erf,
  exp,
  floor,
  gather,
  greater,
  greaterEqual,
  identity,
  less,
  lessEqual,
  log,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  pad,
  pow,
  prod,
  reciprocal,
  relu,
  reshape,
  sigmoid,
  sign,
  slice,
  softmax,
  split,
  sqrt,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  tile,
  transpose,
  where,
} from '@dendrite/core';
import { kindOfDataType } from '../proto/host-tensor.js';
import { broadcastShape, reshapeTarget, sliceAxes, squeezeShape, unsqueezeShape } from './host-ops.js';
import type { Attrs, OpDefinition } from './op-types.js';
import {
  alignedNHWC,
  asFloat,
  hostValues,
  isConst,
  NHWC_AXIS,
  type NodeInfo,
  onnxShape,
  plain,
  type RuntimeValue,
  unsupported,
  type Value,
} from './values.js';

const rt = (t: Tensor, nhwc = false): RuntimeValue => ({ t, nhwc: nhwc && t.rank === 4 });
const norm = (a: number, r: number) => (a < 0 ? a + r : a);
const int = (a: Attrs, k: string, d: number) => (a[k] as number | undefined) ?? d;
const fl = (a: Attrs, k: string, d: number) => (a[k] as number | undefined) ?? d;

/** Whether a value is stored NHWC. */
const isNHWC = (v: Value | null | undefined) => !!v && !isConst(v) && v.nhwc;

/**
 * Operands of an elementwise op in one layout: NHWC when any is an NHWC tensor and every other one can
 * be aligned to it (rank <= 4), else ONNX's.
 */
function operands(vs: readonly Value[]): { ts: Tensor[]; nhwc: boolean } {
  const anyNHWC = vs.some(isNHWC);
  if (anyNHWC && vs.every((v) => onnxShape(v).length <= 4)) return { ts: vs.map(alignedNHWC), nhwc: true };
  return { ts: vs.map(plain), nhwc: false };
}

function elementwise(f: (...ts: Tensor[]) => Tensor, attributes: readonly string[] = []): OpDefinition {
  return {
    attributes,
    run: (_n, inputs) => {
      const { ts, nhwc } = operands(inputs as Value[]);
      return [rt(f(...ts), nhwc)];
    },
  };
}

const unary = (f: (x: Tensor, a: Attrs) => Tensor, attributes: readonly string[] = []): OpDefinition => ({
  attributes,
  run: (_n, [x], a) => {
    const v = x!;
    return [rt(f(isNHWC(v) ? (v as RuntimeValue).t : plain(v), a), isNHWC(v))];
  },
});

const variadic = (f: (a: Tensor, b: Tensor) => Tensor) =>
  elementwise((...ts) => ts.slice(1).reduce((acc, t) => f(acc, t), identity(ts[0])));

/** ONNX Pow allows an exponent of another type; the result has the base's type. */
const onnxPow = (a: Tensor, b: Tensor) => {
  if (a.dtype === b.dtype) return pow(a, b);
  const y = pow(asFloat(a), asFloat(b));
  return a.dtype === 'float32' ? y : castTo(y, a.dtype);
};

const DT_NAMES: Record<number, 'float32' | 'int32' | 'bool'> = {};
function dendriteDType(node: NodeInfo, to: number): 'float32' | 'int32' | 'bool' {
  const kind = kindOfDataType(to);
  if (!kind) unsupported(node, `Cast to data type ${to}`);
  return DT_NAMES[to] ?? (kind === 'float' ? 'float32' : kind === 'int' ? 'int32' : 'bool');
}

/** An axis of an ONNX value -> the axis of its stored tensor. */
const storedAxis = (v: Value, axis: number) => {
  const r = onnxShape(v).length;
  const a = norm(axis, r);
  return isNHWC(v) ? NHWC_AXIS[a] : a;
};

function reduceAxes(
  node: NodeInfo,
  inputs: readonly (Value | null)[],
  a: Attrs,
  rank: number,
): number[] | null {
  const fromInput = inputs[1] ? hostValues(node, inputs[1], 'axes') : undefined;
  const axes = fromInput ?? (a.axes as number[] | undefined);
  if (axes && axes.length > 0) return axes.map((x) => norm(x, rank));
  return int(a, 'noop_with_empty_axes', 0) ? [] : null;
}

const reduction = (f: (x: Tensor, axes: number[] | null, keep: boolean) => Tensor): OpDefinition => ({
  attributes: ['axes', 'keepdims', 'noop_with_empty_axes'],
  run: (node, inputs, a) => {
    const x = inputs[0]!;
    const rank = onnxShape(x).length;
    const axes = reduceAxes(node, inputs, a, rank);
    if (axes && axes.length === 0) return [isConst(x) ? x : rt(identity((x as RuntimeValue).t), isNHWC(x))];
    const keep = int(a, 'keepdims', 1) === 1;
    if (isNHWC(x) && keep) {
      const t = (x as RuntimeValue).t;
      return [
        rt(
          f(
            t,
            (axes ?? [0, 1, 2, 3]).map((ax) => NHWC_AXIS[ax]),
            true,
          ),
          true,
        ),
      ];
    }
    const t = plain(x);
    const y = f(t.dtype === 'bool' ? castTo(t, 'int32') : t, axes, keep);
    return [rt(t.dtype === 'bool' ? castTo(y, 'bool') : y)];
  },
});

const sumSquare = (x: Tensor, axes: number[] | null, k: boolean) => sum(mul(x, x), axes, k);

/** Indices for steps != 1 of a slice: a gather per axis. */
function stridedSlice(t: Tensor, per: number[][]): Tensor {
  let y = t;
  per.forEach((idx, axis) => {
    const d = y.shape[axis];
    const contiguous = idx.length > 0 && idx.every((v, i) => v === idx[0] + i);
    if (idx.length === d && contiguous) return;
    if (contiguous) {
      const begin = y.shape.map(() => 0);
      const size = y.shape.map(() => -1);
      begin[axis] = idx[0];
      size[axis] = idx.length;
      y = slice(y, begin, size);
    } else {
      y = gather(y, tensor(Int32Array.from(idx), [idx.length], 'int32'), axis);
    }
  });
  return y;
}

/** ArgMax / ArgMin; select_last_index = 1 searches the reversed axis (ties go to the last index). */
function argReduce(f: (x: Tensor, axis: number, keep: boolean) => Tensor): OpDefinition {
  return {
    attributes: ['axis', 'keepdims', 'select_last_index'],
    run: (_n, [x], a) => {
      const t = plain(x!);
      const axis = norm(int(a, 'axis', 0), t.rank);
      const keep = int(a, 'keepdims', 1) === 1;
      if (!int(a, 'select_last_index', 0)) return [rt(f(t, axis, keep))];
      const d = t.shape[axis];
      const reversed = gather(
        t,
        tensor(
          Int32Array.from({ length: d }, (_, i) => d - 1 - i),
          [d],
          'int32',
        ),
        axis,
      );
      return [rt(sub(tensor(d - 1, [], 'int32'), f(reversed, axis, keep)))];
    },
  };
}

export const TENSOR_OPS: Readonly<Record<string, OpDefinition>> = {
  Add: elementwise(add),
  Sub: elementwise(sub),
  Mul: elementwise(mul),
  Div: elementwise((a, b) => (a.dtype === 'int32' ? castTo(div(a, b), 'int32') : div(a, b))),
  Pow: elementwise(onnxPow),
  Max: variadic(maximum),
  Min: variadic(minimum),
  Sum: variadic(add),
  Equal: elementwise(equal),
  Less: elementwise(less),
  LessOrEqual: elementwise(lessEqual),
  Greater: elementwise(greater),
  GreaterOrEqual: elementwise(greaterEqual),
  And: elementwise(logicalAnd),
  Or: elementwise(logicalOr),
  Xor: elementwise(logicalXor),
  Where: elementwise((c, x, y) => where(c, x, y)),
  Not: unary((x) => logicalNot(x)),
  Relu: unary((x) => relu(x)),
  Sigmoid: unary((x) => sigmoid(x)),
  Tanh: unary((x) => tanh(x)),
  Exp: unary((x) => exp(x)),
  Log: unary((x) => log(x)),
  Sqrt: unary((x) => sqrt(x)),
  Neg: unary((x) => neg(x)),
  Abs: unary((x) => abs(x)),
  Sign: unary((x) => sign(x)),
  Floor: unary((x) => floor(x)),
  Ceil: unary((x) => ceil(x)),
  Reciprocal: unary((x) => reciprocal(x)),
  Erf: unary((x) => erf(x)),
  Softplus: unary((x) => act.softplus(x)),
  Softsign: unary((x) => act.softsign(x)),
  Selu: unary(
    (x, a) => {
      const alpha = fl(a, 'alpha', 1.6732631921768188);
      const gamma = fl(a, 'gamma', 1.0507010221481323);
      // gamma · (x > 0 ? x : alpha·(e^x − 1))
      return mul(where(greater(x, 0), x, mul(sub(exp(minimum(x, 0)), 1), alpha)), gamma);
    },
    ['alpha', 'gamma'],
  ),
  Elu: unary((x, a) => act.elu(x, fl(a, 'alpha', 1)), ['alpha']),
  LeakyRelu: unary((x, a) => act.leakyRelu(x, fl(a, 'alpha', 0.01)), ['alpha']),
  HardSigmoid: unary(
    (x, a) => act.hardSigmoid(x, fl(a, 'alpha', 0.2), fl(a, 'beta', 0.5)),
    ['alpha', 'beta'],
  ),
  Gelu: unary(
    (x, a) =>
      act.gelu(x, { approximate: ((a.approximate as string | undefined) ?? 'none') as 'none' | 'tanh' }),
    ['approximate'],
  ),
  Identity: unary((x) => identity(x)),
  Dropout: {
    attributes: ['seed'],
    run: (node, [x, , training], _a, outputs) => {
      if (training && (!isConst(training) || training.c.data[0])) {
        unsupported(node, 'training_mode must be a constant false (inference only)');
      }
      const v = x!;
      const y = rt(identity(isNHWC(v) ? (v as RuntimeValue).t : plain(v)), isNHWC(v));
      if (outputs < 2) return [y];
      const mask = rt(castTo(mul(y.t, 0), 'bool'), y.nhwc);
      return [y, rt(logicalNot(mask.t), y.nhwc)];
    },
  },
  Clip: {
    attributes: [],
    run: (_n, [x, lo, hi]) => {
      const v = x!;
      const nhwc = isNHWC(v);
      let y = nhwc ? (v as RuntimeValue).t : plain(v);
      const bound = (b: Value) => (nhwc ? alignedNHWC(b) : plain(b));
      y = identity(y);
      if (lo) y = maximum(y, bound(lo));
      if (hi) y = minimum(y, bound(hi)); // min > max gives max everywhere, as ONNX specifies
      return [rt(y, nhwc)];
    },
  },
  Cast: {
    attributes: ['to', 'saturate'],
    run: (node, [x], a) => {
      const v = x!;
      const to = dendriteDType(node, a.to as number);
      const t = isNHWC(v) ? (v as RuntimeValue).t : plain(v);
      return [rt(t.dtype === to ? identity(t) : castTo(t, to), isNHWC(v))];
    },
  },
  Softmax: {
    attributes: ['axis'],
    run: (_n, [x], a) => {
      const v = x!;
      return [
        rt(
          softmax(isNHWC(v) ? (v as RuntimeValue).t : plain(v), storedAxis(v, int(a, 'axis', -1))),
          isNHWC(v),
        ),
      ];
    },
  },
  LogSoftmax: {
    attributes: ['axis'],
    run: (_n, [x], a) => {
      const v = x!;
      return [
        rt(
          logSoftmax(isNHWC(v) ? (v as RuntimeValue).t : plain(v), storedAxis(v, int(a, 'axis', -1))),
          isNHWC(v),
        ),
      ];
    },
  },
  MatMul: { attributes: [], run: (_n, [a, b]) => [rt(matmulOnnx(plain(a!), plain(b!)))] },
  ReduceMean: reduction((x, ax, k) => mean(asFloat(x), ax, k)),
  ReduceSum: reduction((x, ax, k) => sum(x, ax, k)),
  ReduceMax: reduction((x, ax, k) => max(x, ax, k)),
  ReduceMin: reduction((x, ax, k) => min(x, ax, k)),
  ReduceProd: reduction((x, ax, k) => prod(x, ax, k)),
  ReduceLogSumExp: reduction((x, ax, k) => logsumexp(x, ax, k)),
  ReduceSumSquare: reduction(sumSquare),
  ArgMax: argReduce(argmax),
  ArgMin: argReduce(argmin),
  Flatten: {
    attributes: ['axis'],
    run: (_n, [x], a) => {
      const s = onnxShape(x!);
      const axis = norm(int(a, 'axis', 1), s.length);
      const rows = s.slice(0, axis).reduce((p, q) => p * q, 1);
      return [rt(reshape(plain(x!), [rows, s.slice(axis).reduce((p, q) => p * q, 1)]))];
    },
  },
  Reshape: {
    attributes: ['allowzero'],
    run: (node, [x, shape], a) => {
      const target = reshapeTarget(
        node,
        onnxShape(x!),
        hostValues(node, shape, 'shape'),
        int(a, 'allowzero', 0) === 1,
      );
      return [rt(reshape(plain(x!), target))];
    },
  },
  Transpose: {
    attributes: ['perm'],
    run: (_n, [x], a) => {
      const v = x!;
      const r = onnxShape(v).length;
      const perm = (a.perm as number[] | undefined) ?? Array.from({ length: r }, (_, i) => r - 1 - i);
      // One transpose of the stored tensor: compose the NHWC -> NCHW step into `perm`.
      if (isNHWC(v))
        return [
          rt(
            transpose(
              (v as RuntimeValue).t,
              perm.map((p) => NHWC_AXIS[p]),
            ),
          ),
        ];
      return [rt(transpose(plain(v), perm))];
    },
  },
  Squeeze: {
    attributes: ['axes'],
    run: (node, [x, axesIn], a) => {
      const axes = axesIn ? hostValues(node, axesIn, 'axes') : ((a.axes as number[] | undefined) ?? null);
      return [rt(reshape(plain(x!), squeezeShape(node, onnxShape(x!), axes)))];
    },
  },
  Unsqueeze: {
    attributes: ['axes'],
    run: (node, [x, axesIn], a) => {
      const axes = axesIn ? hostValues(node, axesIn, 'axes') : (a.axes as number[]);
      return [rt(reshape(plain(x!), unsqueezeShape(node, onnxShape(x!), axes)))];
    },
  },
  Concat: {
    attributes: ['axis'],
    run: (_n, inputs, a) => {
      const vs = inputs.filter((v): v is Value => !!v);
      const rank = onnxShape(vs[0]).length;
      const axis = norm(a.axis as number, rank);
      if (rank === 4 && vs.some(isNHWC)) return [rt(concat(vs.map(alignedNHWC), NHWC_AXIS[axis]), true)];
      return [rt(concat(vs.map(plain), axis))];
    },
  },
  Split: {
    attributes: ['axis', 'split', 'num_outputs'],
    run: (node, [x, splitIn], a, outputs) => {
      const v = x!;
      const s = onnxShape(v);
      const axis = norm(int(a, 'axis', 0), s.length);
      let sizes = splitIn ? hostValues(node, splitIn, 'split') : (a.split as number[] | undefined);
      if (!sizes) {
        const n = int(a, 'num_outputs', outputs);
        const chunk = Math.ceil(s[axis] / n);
        sizes = Array.from({ length: n }, (_, i) => Math.min(chunk, s[axis] - i * chunk));
      }
      const nhwc = isNHWC(v);
      const t = nhwc ? (v as RuntimeValue).t : plain(v);
      return split(t, sizes, nhwc ? NHWC_AXIS[axis] : axis).map((p) => rt(p, nhwc));
    },
  },
  Slice: {
    attributes: [],
    run: (node, [x, starts, ends, axes, steps]) => {
      const v = x!;
      const s = onnxShape(v);
      const per = sliceAxes(
        node,
        s,
        hostValues(node, starts, 'starts'),
        hostValues(node, ends, 'ends'),
        axes ? hostValues(node, axes, 'axes') : null,
        steps ? hostValues(node, steps, 'steps') : null,
      );
      if (isNHWC(v))
        return [
          rt(
            stridedSlice(
              (v as RuntimeValue).t,
              [0, 2, 3, 1].map((p) => per[p]),
            ),
            true,
          ),
        ];
      return [rt(stridedSlice(plain(v), per))];
    },
  },
  Gather: {
    attributes: ['axis'],
    run: (node, [x, indices], a) => {
      const s = onnxShape(x!);
      const axis = norm(int(a, 'axis', 0), s.length);
      let idx: Tensor;
      if (isConst(indices)) {
        const vals = Array.from(indices.c.data, (i) => (i < 0 ? i + s[axis] : i));
        if (vals.some((i) => i < 0 || i >= s[axis]))
          unsupported(node, `an index is out of range for an axis of ${s[axis]}`);
        idx = tensor(Int32Array.from(vals), [...indices.c.shape], 'int32');
      } else {
        idx = plain(indices!);
        if (idx.dtype !== 'int32') unsupported(node, `indices of type ${idx.dtype}`);
        idx = where(less(idx, 0), add(idx, s[axis]), idx); // negative indices count from the end
      }
      return [rt(gather(plain(x!), idx, axis))];
    },
  },
  Expand: {
    attributes: [],
    run: (node, [x, shape]) => {
      const target = broadcastShape(node, onnxShape(x!), hostValues(node, shape, 'shape'));
      return [rt(broadcastTo(plain(x!), target))];
    },
  },
  Tile: {
    attributes: [],
    run: (node, [x, repeats]) => [rt(tile(plain(x!), hostValues(node, repeats, 'repeats')))],
  },
  Pad: {
    attributes: ['mode'],
    run: (node, [x, padsIn, valueIn, axesIn], a) => {
      const mode = (a.mode as string | undefined) ?? 'constant';
      if (mode !== 'constant') unsupported(node, `mode '${mode}' (only 'constant' is implemented)`);
      const v = x!;
      const r = onnxShape(v).length;
      const raw = hostValues(node, padsIn, 'pads');
      const axes = axesIn
        ? hostValues(node, axesIn, 'axes').map((q) => norm(q, r))
        : Array.from({ length: r }, (_, i) => i);
      const pairs: [number, number][] = Array.from({ length: r }, () => [0, 0]);
      axes.forEach((ax, i) => {
        pairs[ax] = [raw[i], raw[i + axes.length]];
      });
      if (pairs.some(([p, q]) => p < 0 || q < 0)) unsupported(node, 'negative pads (cropping)');
      const value = valueIn ? (hostValues(node, valueIn, 'constant_value')[0] ?? 0) : 0;
      if (isNHWC(v))
        return [
          rt(
            pad(
              (v as RuntimeValue).t,
              [0, 2, 3, 1].map((p) => pairs[p]),
              value,
            ),
            true,
          ),
        ];
      return [rt(pad(plain(v), pairs, value))];
    },
  },
};

/** ONNX MatMul: NumPy semantics, which core's matmul follows. */
function matmulOnnx(a: Tensor, b: Tensor): Tensor {
  return matmul(a, b);
}
