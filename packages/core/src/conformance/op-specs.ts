/**
 * The op-spec table: the edge cases the external fixtures do not reach (scalars, size-1 and size-0 axes,
 * broadcasting both ways, odd sizes, negative axes, inputs that come out of transpose and slice), each
 * with a float64 reference written here in plain loops, a tolerance per dtype, and — for differentiable
 * ops — a finite-difference gradient check. Every backend runs it through `runConformance`.
 */
import type { DType } from '../dtype.js';
import { add, div, maximum, mul, pow, sub } from '../ops/arithmetic.js';
import { castTo } from '../ops/cast.js';
import { greater, where } from '../ops/compare.js';
import { concat } from '../ops/concat.js';
import { tensor } from '../ops/creation.js';
import { tile } from '../ops/expand.js';
import { gather } from '../ops/gather.js';
import { matmul } from '../ops/matmul.js';
import { pad } from '../ops/pad.js';
import { logsumexp, max, mean, prod, sum } from '../ops/reduce.js';
import { slice } from '../ops/slice.js';
import { softmax } from '../ops/softmax.js';
import { transpose } from '../ops/transpose.js';
import { exp, log, neg, sigmoid, sqrt, tanh } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import type { Tolerance } from './schema.js';

/** A host array with its shape: inputs and references are built from these. */
export interface HostTensor {
  readonly shape: number[];
  readonly data: Float64Array;
  readonly dtype?: DType;
}

export interface OpSpec {
  readonly name: string;
  readonly op: string;
  /** Inputs, from a seeded uniform source in [-1, 1) (`u()`), positive where the op needs it. */
  readonly inputs: (u: () => number) => HostTensor[];
  readonly run: (...xs: Tensor[]) => Tensor;
  /** The float64 reference. */
  readonly reference: (...xs: HostTensor[]) => HostTensor;
  /** Finite-difference gradient check (float32 inputs only). */
  readonly grad: boolean;
  readonly tolerance?: Tolerance;
}

export const SPEC_TOLERANCE: Record<DType, Tolerance> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

const size = (shape: readonly number[]) => shape.reduce((p, q) => p * q, 1);
const host = (shape: number[], f: (i: number) => number, dtype?: DType): HostTensor => ({
  shape,
  data: Float64Array.from({ length: size(shape) }, (_, i) => f(i)),
  dtype,
});
const rand = (shape: number[], u: () => number, lo = -1, hi = 1) =>
  host(shape, () => lo + ((u() + 1) / 2) * (hi - lo));
const strides = (shape: readonly number[]) => {
  const s = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
};
/** Multi-index of flat position `i` in `shape`. */
const unravel = (i: number, shape: readonly number[]) => {
  const st = strides(shape);
  return shape.map((d, k) => Math.floor(i / st[k]) % d);
};

/** NumPy broadcasting of two host tensors through `f`. */
function broadcast(a: HostTensor, b: HostTensor, f: (x: number, y: number) => number): HostTensor {
  const r = Math.max(a.shape.length, b.shape.length);
  const pa = [...new Array(r - a.shape.length).fill(1), ...a.shape];
  const pb = [...new Array(r - b.shape.length).fill(1), ...b.shape];
  const shape = pa.map((d, i) => Math.max(d, pb[i]) * (d === 0 || pb[i] === 0 ? 0 : 1));
  const [sa, sb] = [strides(pa), strides(pb)];
  return host(shape, (i) => {
    const idx = unravel(i, shape);
    const ia = idx.reduce((s, v, k) => s + (pa[k] === 1 ? 0 : v) * sa[k], 0);
    const ib = idx.reduce((s, v, k) => s + (pb[k] === 1 ? 0 : v) * sb[k], 0);
    return f(a.data[ia], b.data[ib]);
  });
}

/** Reduction of `x` over `axes` (after normalising negatives) with `f` from `init`. */
function reduceRef(
  x: HostTensor,
  axes: number[],
  keep: boolean,
  f: (acc: number, v: number) => number,
  init: number,
): HostTensor {
  const ax = axes.map((a) => (a < 0 ? a + x.shape.length : a));
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = host(kept, () => init);
  const sk = strides(kept);
  for (let i = 0; i < x.data.length; i++) {
    const o = unravel(i, x.shape).reduce((s, v, k) => s + (ax.includes(k) ? 0 : v) * sk[k], 0);
    out.data[o] = f(out.data[o], x.data[i]);
  }
  return keep ? out : { ...out, shape: x.shape.filter((_, i) => !ax.includes(i)) };
}

function transposeRef(x: HostTensor, perm: number[]): HostTensor {
  const shape = perm.map((p) => x.shape[p]);
  const sx = strides(x.shape);
  return host(shape, (i) => x.data[unravel(i, shape).reduce((s, v, k) => s + v * sx[perm[k]], 0)]);
}

function matmulRef(a: HostTensor, b: HostTensor): HostTensor {
  // 2-D or batched with broadcast batch axes (last two axes are matrices)
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const r = Math.max(batchA.length, batchB.length);
  const pa = [...new Array(r - batchA.length).fill(1), ...batchA];
  const pb = [...new Array(r - batchB.length).fill(1), ...batchB];
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const shape = [...batch, m, n];
  return host(shape, (i) => {
    const idx = unravel(i, shape);
    const bi = idx.slice(0, r);
    const offA = bi.reduce((s, v, q) => s + (pa[q] === 1 ? 0 : v) * strides(pa)[q], 0) * m * k;
    const offB = bi.reduce((s, v, q) => s + (pb[q] === 1 ? 0 : v) * strides(pb)[q], 0) * k * n;
    const [row, col] = idx.slice(r);
    let acc = 0;
    for (let p = 0; p < k; p++) acc += a.data[offA + row * k + p] * b.data[offB + p * n + col];
    return acc;
  });
}

function sliceRef(x: HostTensor, begin: number[], sz: number[]): HostTensor {
  const sx = strides(x.shape);
  return host(sz, (i) => x.data[unravel(i, sz).reduce((s, v, k) => s + (v + begin[k]) * sx[k], 0)]);
}

const map = (x: HostTensor, f: (v: number) => number): HostTensor => ({ ...x, data: x.data.map(f) });

export const OP_SPECS: readonly OpSpec[] = [
  // ── elementwise, broadcasting both ways, scalars, size-0 and size-1 axes ──
  {
    name: 'add/scalar+scalar',
    op: 'add',
    inputs: (u) => [rand([], u), rand([], u)],
    run: add,
    reference: (a, b) => broadcast(a, b, (x, y) => x + y),
    grad: true,
  },
  {
    name: 'add/bcast_both_ways_3x1+1x5',
    op: 'add',
    inputs: (u) => [rand([3, 1], u), rand([1, 5], u)],
    run: add,
    reference: (a, b) => broadcast(a, b, (x, y) => x + y),
    grad: true,
  },
  {
    name: 'sub/size0',
    op: 'sub',
    inputs: (u) => [rand([0, 3], u), rand([3], u)],
    run: sub,
    reference: (a, b) => broadcast(a, b, (x, y) => x - y),
    grad: false,
  },
  {
    name: 'mul/size1_axes_1x7x1*4x1x3',
    op: 'mul',
    inputs: (u) => [rand([1, 7, 1], u), rand([4, 1, 3], u)],
    run: mul,
    reference: (a, b) => broadcast(a, b, (x, y) => x * y),
    grad: true,
  },
  {
    name: 'div/odd_17x13_by_13',
    op: 'div',
    inputs: (u) => [rand([17, 13], u), rand([13], u, 0.5, 2)],
    run: div,
    reference: (a, b) => broadcast(a, b, (x, y) => x / y),
    grad: true,
  },
  {
    name: 'pow/positive_base_bcast',
    op: 'pow',
    inputs: (u) => [rand([2, 3], u, 0.5, 2), rand([3], u)],
    run: pow,
    reference: (a, b) => broadcast(a, b, (x, y) => x ** y),
    grad: true,
  },
  {
    name: 'maximum/bcast_scalar_rhs',
    op: 'maximum',
    inputs: (u) => [rand([5, 4], u), host([], () => 0.05)],
    run: maximum,
    reference: (a, b) => broadcast(a, b, (x, y) => Math.max(x, y)),
    grad: false,
  },
  {
    name: 'exp/scalar',
    op: 'exp',
    inputs: (u) => [rand([], u)],
    run: exp,
    reference: (x) => map(x, Math.exp),
    grad: true,
  },
  {
    name: 'log/odd_7x3',
    op: 'log',
    inputs: (u) => [rand([7, 3], u, 0.1, 3)],
    run: log,
    reference: (x) => map(x, Math.log),
    grad: true,
  },
  {
    name: 'sqrt/size1',
    op: 'sqrt',
    inputs: (u) => [rand([1, 1], u, 0.1, 3)],
    run: sqrt,
    reference: (x) => map(x, Math.sqrt),
    grad: true,
  },
  {
    name: 'tanh/large_magnitudes',
    op: 'tanh',
    inputs: () => [host([6], (i) => [-30, -5, -0.5, 0.5, 5, 30][i])],
    run: tanh,
    reference: (x) => map(x, Math.tanh),
    grad: false,
  },
  {
    name: 'sigmoid/large_magnitudes',
    op: 'sigmoid',
    inputs: () => [host([6], (i) => [-100, -20, -1, 1, 20, 100][i])],
    run: sigmoid,
    reference: (x) => map(x, (v) => 1 / (1 + Math.exp(-v))),
    grad: false,
  },
  {
    name: 'neg/int32',
    op: 'neg',
    inputs: () => [host([4], (i) => i - 2, 'int32')],
    run: neg,
    reference: (x) => map(x, (v) => -v),
    grad: false,
  },
  {
    name: 'where/bcast_cond_scalar_branch',
    op: 'where',
    inputs: (u) => [rand([3, 1], u), rand([3, 4], u), rand([], u)],
    run: (c, a, b) => where(greater(c, 0), a, b),
    reference: (c, a, b) =>
      broadcast(
        broadcast(c, a, (x, y) => (x > 0 ? y : Number.NaN)),
        b,
        (x, y) => (Number.isNaN(x) ? y : x),
      ),
    grad: false,
  },
  {
    name: 'cast/float_to_int_truncates',
    op: 'cast',
    inputs: () => [host([4], (i) => [-1.7, -0.2, 0.9, 2.5][i])],
    run: (x) => castTo(x, 'int32'),
    reference: (x) => ({ ...map(x, Math.trunc), dtype: 'int32' }),
    grad: false,
  },
  // ── reductions: negative axes, keepdims, size-0 axes, odd sizes ──
  {
    name: 'sum/negative_axes_keepdims',
    op: 'sum',
    inputs: (u) => [rand([3, 5, 7], u)],
    run: (x) => sum(x, [-1, -3], true),
    reference: (x) => reduceRef(x, [-1, -3], true, (s, v) => s + v, 0),
    grad: true,
  },
  {
    name: 'sum/size0_axis',
    op: 'sum',
    inputs: (u) => [rand([2, 0, 3], u)],
    run: (x) => sum(x, 1),
    reference: (x) => reduceRef(x, [1], false, (s, v) => s + v, 0),
    grad: false,
  },
  {
    name: 'mean/odd_middle_axis',
    op: 'mean',
    inputs: (u) => [rand([4, 9, 2], u)],
    run: (x) => mean(x, 1),
    reference: (x) =>
      map(
        reduceRef(x, [1], false, (s, v) => s + v, 0),
        (v) => v / 9,
      ),
    grad: true,
  },
  {
    name: 'max/size0_axis_is_-inf',
    op: 'max',
    inputs: (u) => [rand([3, 0], u)],
    run: (x) => max(x, -1),
    reference: (x) => reduceRef(x, [-1], false, Math.max, -Infinity),
    grad: false,
  },
  {
    name: 'prod/keepdims',
    op: 'prod',
    inputs: (u) => [rand([2, 3], u, 0.5, 1.5)],
    run: (x) => prod(x, 0, true),
    reference: (x) => reduceRef(x, [0], true, (s, v) => s * v, 1),
    grad: true,
  },
  {
    name: 'logsumexp/large_values_stable',
    op: 'logsumexp',
    inputs: () => [host([2, 3], (i) => [1000, 1001, 999, -1000, -1001, -999][i])],
    run: (x) => logsumexp(x, 1),
    reference: (x) =>
      host([2], (r) => {
        const v = [...x.data.slice(r * 3, r * 3 + 3)];
        const m = Math.max(...v);
        return m + Math.log(v.reduce((s, q) => s + Math.exp(q - m), 0));
      }),
    grad: false,
  },
  {
    name: 'softmax/axis0_odd',
    op: 'softmax',
    inputs: (u) => [rand([5, 3], u)],
    run: (x) => softmax(x, 0),
    reference: (x) => {
      const e = map(x, Math.exp);
      const s = reduceRef(e, [0], true, (p, q) => p + q, 0);
      return broadcast(e, s, (p, q) => p / q);
    },
    grad: true,
  },
  // ── matmul: vectors, batch broadcast, odd sizes, inputs from transpose ──
  {
    name: 'matmul/batch_bcast_odd_3x1x5x7@2x7x3',
    op: 'matmul',
    inputs: (u) => [rand([3, 1, 5, 7], u), rand([2, 7, 3], u)],
    run: (a, b) => matmul(a, b),
    reference: matmulRef,
    grad: true,
  },
  {
    name: 'matmul/of_transposed_input',
    op: 'matmul',
    inputs: (u) => [rand([4, 3], u), rand([4, 2], u)],
    run: (a, b) => matmul(transpose(a), b),
    reference: (a, b) => matmulRef(transposeRef(a, [1, 0]), b),
    grad: true,
  },
  {
    name: 'matmul/k0_gives_zeros',
    op: 'matmul',
    inputs: (u) => [rand([2, 0], u), rand([0, 3], u)],
    run: (a, b) => matmul(a, b),
    reference: matmulRef,
    grad: false,
  },
  // ── layout: non-contiguous inputs (slice, transpose), pad, concat, gather, tile ──
  {
    name: 'transpose/3d_perm_then_add',
    op: 'transpose',
    inputs: (u) => [rand([2, 3, 4], u)],
    run: (x) => add(transpose(x, [2, 0, 1]), 1),
    reference: (x) => map(transposeRef(x, [2, 0, 1]), (v) => v + 1),
    grad: true,
  },
  {
    name: 'slice/of_transposed_then_sum',
    op: 'slice',
    inputs: (u) => [rand([5, 6], u)],
    run: (x) => sum(slice(transpose(x), [1, 2], [3, 2]), 0),
    reference: (x) =>
      reduceRef(sliceRef(transposeRef(x, [1, 0]), [1, 2], [3, 2]), [0], false, (s, v) => s + v, 0),
    grad: true,
  },
  {
    name: 'pad/asymmetric_value',
    op: 'pad',
    inputs: (u) => [rand([2, 3], u)],
    run: (x) =>
      pad(
        x,
        [
          [1, 0],
          [0, 2],
        ],
        0.5,
      ),
    reference: (x) =>
      host([3, 5], (i) => {
        const [r, c] = unravel(i, [3, 5]);
        return r >= 1 && c < 3 ? x.data[(r - 1) * 3 + c] : 0.5;
      }),
    grad: true,
  },
  {
    name: 'concat/negative_axis_size0_part',
    op: 'concat',
    inputs: (u) => [rand([2, 3], u), rand([2, 0], u), rand([2, 1], u)],
    run: (a, b, c) => concat([a, b, c], -1),
    reference: (a, _b, c) =>
      host([2, 4], (i) => {
        const [r, k] = unravel(i, [2, 4]);
        return k < 3 ? a.data[r * 3 + k] : c.data[r];
      }),
    grad: false,
  },
  {
    name: 'gather/repeated_indices_axis1',
    op: 'gather',
    inputs: (u) => [rand([2, 4], u)],
    run: (x) => gather(x, tensor(Int32Array.of(3, 0, 3), [3], 'int32'), 1),
    reference: (x) => host([2, 3], (i) => x.data[Math.floor(i / 3) * 4 + [3, 0, 3][i % 3]]),
    grad: true,
  },
  {
    name: 'tile/2x3_of_1x2',
    op: 'tile',
    inputs: (u) => [rand([1, 2], u)],
    run: (x) => tile(x, [2, 3]),
    reference: (x) => host([2, 6], (i) => x.data[i % 2]),
    grad: true,
  },
];
