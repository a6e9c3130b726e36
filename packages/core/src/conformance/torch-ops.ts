/**
 * How each op name of the PyTorch fixtures maps onto Dendrite's API. An adapter takes the case's
 * arguments (inputs, params and state by name) and attributes, and returns its outputs by name.
 * A fixture whose op has no adapter here is reported as unsupported, never skipped silently.
 */

import type { FusedActivation } from '../backend.js';
import type { DType } from '../dtype.js';
import type { Padding } from '../kit/geometry/window.js';
import { add, div, maximum, minimum, mul, pow, sub } from '../ops/arithmetic.js';
import { castTo } from '../ops/cast.js';
import { equal, greater, greaterEqual, isnan, less, lessEqual, notEqual, where } from '../ops/compare.js';
import { concat } from '../ops/concat.js';
import { conv2d, conv2dTranspose, depthwiseConv2d } from '../ops/conv.js';
import { full } from '../ops/creation.js';
import { broadcastTo, tile } from '../ops/expand.js';
import { fusedConv2d } from '../ops/fused/fused-conv2d.js';
import { fusedMatmul } from '../ops/fused/fused-matmul.js';
import { lstmCell } from '../ops/fused/lstm-cell.js';
import { gather, scatterAdd } from '../ops/gather.js';
import { matmul } from '../ops/matmul.js';
import { pad } from '../ops/pad.js';
import { avgPool2d, globalAvgPool2d, globalMaxPool2d, maxPool2d } from '../ops/pool.js';
import { type Axes, argmax, argmin, logsumexp, max, mean, min, prod, sum } from '../ops/reduce.js';
import { slice } from '../ops/slice.js';
import { transpose } from '../ops/transpose.js';
import {
  abs,
  ceil,
  cos,
  erf,
  exp,
  expm1,
  floor,
  log,
  log1p,
  neg,
  reciprocal,
  round,
  rsqrt,
  sign,
  sin,
  sqrt,
  square,
} from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { ARITHMETIC_OPS } from './arithmetic-ops.js';
import type { TorchCase } from './schema.js';

export type Attrs = Record<string, unknown>;
/**
 * Maps one case onto Dendrite: receives the case's arguments (inputs, params and state by name), its
 * attributes and the whole case (for multi-step cases such as optimizer trajectories), and returns the
 * outputs by name. For a case with `steps`, it also returns `steps.<i>.<param>` for every recorded step.
 */
export type TorchOpAdapter = (
  args: Record<string, Tensor>,
  attrs: Attrs,
  c: TorchCase,
) => Record<string, Tensor | StructureValue>;

/** A non-tensor output (architecture cases record counts: parameters, MACs, shapes), compared exactly. */
export type StructureValue = number | readonly number[] | { readonly [key: string]: number };

type Pair = [number, number];

const binary =
  (f: (a: Tensor, b: Tensor) => Tensor): TorchOpAdapter =>
  (x) => ({ y: f(x.a, x.b) });
const unary =
  (f: (x: Tensor) => Tensor): TorchOpAdapter =>
  (x) => ({ y: f(x.x) });
const reduction =
  (f: (x: Tensor, axes: Axes, keepdims: boolean) => Tensor): TorchOpAdapter =>
  (x, a) => ({ y: f(x.x, (a.axes as number[] | null) ?? null, Boolean(a.keepdims)) });
const argReduction =
  (f: (x: Tensor, axis: number, keepdims: boolean) => Tensor): TorchOpAdapter =>
  (x, a) => ({ y: f(x.x, a.axis as number, Boolean(a.keepdims)) });

function convOptions(a: Attrs, bias: Tensor | undefined) {
  return {
    strides: a.strides as Pair,
    padding: a.padding as Padding,
    dilations: (a.dilations as Pair | undefined) ?? [1, 1],
    bias: bias ?? null,
  };
}

/** A number attribute that may be written as "NaN", "Infinity" or "-Infinity" (JSON has none of them). */
const numberAttr = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));

/** `x op v` (or `v op x`) with a number operand (the binaryScalar kernel), one output `y<i>` per value. */
const binaryScalar: TorchOpAdapter = (x, a) => {
  const f = ARITHMETIC_OPS[a.op as string];
  const out: Record<string, Tensor> = {};
  (a.values as unknown[]).forEach((raw, i) => {
    const v = numberAttr(raw);
    out[`y${i}`] = a.scalarFirst ? f(v, x.x) : f(x.x, v);
  });
  return out;
};

export const TORCH_OPS: Record<string, TorchOpAdapter> = {
  // elementwise
  add: binary(add),
  sub: binary(sub),
  mul: binary(mul),
  div: binary(div),
  pow: binary(pow),
  maximum: binary(maximum),
  minimum: binary(minimum),
  exp: unary(exp),
  log: unary(log),
  sqrt: unary(sqrt),
  abs: unary(abs),
  neg: unary(neg),
  square: unary(square),
  reciprocal: unary(reciprocal),
  erf: unary(erf),
  rsqrt: unary(rsqrt),
  sin: unary(sin),
  cos: unary(cos),
  sign: unary(sign),
  floor: unary(floor),
  ceil: unary(ceil),
  round: unary(round),
  expm1: unary(expm1),
  log1p: unary(log1p),
  isnan: unary(isnan),
  // comparisons, selection, casts, number operands
  equal: binary(equal),
  notEqual: binary(notEqual),
  less: binary(less),
  lessEqual: binary(lessEqual),
  greater: binary(greater),
  greaterEqual: binary(greaterEqual),
  where: (x) => ({ y: where(x.cond, x.a, x.b) }),
  cast: (x, a) => ({ y: castTo(x.x, a.dtype as DType) }),
  binary_scalar: binaryScalar,
  // 'like' only gives the case an input (the schema wants one); each value fills a tensor of `shape`.
  full: (_x, a) =>
    Object.fromEntries(
      (a.values as unknown[]).map((v, i) => [`y${i}`, full(a.shape as number[], numberAttr(v))]),
    ),
  // data movement
  transpose: (x, a) => ({ y: transpose(x.x, a.perm as number[]) }),
  slice: (x, a) => ({ y: slice(x.x, a.begin as number[], a.size as number[]) }),
  concat: (x, a) => ({ y: concat([x.a, x.b], a.axis as number) }),
  pad: (x, a) => ({ y: pad(x.x, a.pads as Pair[], numberAttr(a.value)) }),
  broadcast_to: (x, a) => ({ y: broadcastTo(x.x, a.shape as number[]) }),
  tile: (x, a) => ({ y: tile(x.x, a.reps as number[]) }),
  gather: (x, a) => ({ y: gather(x.x, x.indices, a.axis as number) }),
  scatter_add: (x, a) => ({ y: scatterAdd(x.updates, x.indices, a.axis as number, a.shape as number[]) }),
  // reductions
  sum: reduction(sum),
  prod: reduction(prod),
  mean: reduction(mean),
  max: reduction(max),
  min: reduction(min),
  logsumexp: reduction(logsumexp),
  argmax: argReduction(argmax),
  argmin: argReduction(argmin),
  // matmul
  matmul: (x, a) => ({
    y: matmul(x.a, x.b, { transposeA: Boolean(a.transposeA), transposeB: Boolean(a.transposeB) }),
  }),
  dense: (x, a) => ({
    y: fusedMatmul(x.x, x.W, { bias: x.b ?? null, activation: a.activation as FusedActivation | undefined }),
  }),
  // convolution
  conv2d: (x, a) => ({
    y: conv2d(x.x, x.filter, { ...convOptions(a, x.bias), groups: a.groups as number | undefined }),
  }),
  fused_conv2d: (x, a) => ({
    y: fusedConv2d(x.x, x.filter, {
      ...convOptions(a, x.bias),
      activation: a.activation as FusedActivation | undefined,
    }),
  }),
  depthwise_conv2d: (x, a) => ({ y: depthwiseConv2d(x.x, x.filter, convOptions(a, x.bias)) }),
  conv2d_transpose: (x, a) => ({
    y: conv2dTranspose(x.x, x.filter, a.outputShape as number[], convOptions(a, x.bias)),
  }),
  // pooling
  maxpool2d: (x, a) => ({
    y: maxPool2d(x.x, a.poolSize as Pair, { strides: a.strides as Pair, padding: a.padding as Padding }),
  }),
  avgpool2d: (x, a) => ({
    y: avgPool2d(x.x, a.poolSize as Pair, { strides: a.strides as Pair, padding: a.padding as Padding }),
  }),
  global_avgpool: (x) => ({ y: globalAvgPool2d(x.x) }),
  global_maxpool: (x) => ({ y: globalMaxPool2d(x.x) }),
  // recurrent
  lstm_cell: (x) => lstmCell(x.gates, x.c),
};

/**
 * Adds (or replaces) adapters, so packages above core (layers, optim) can extend the suite with the
 * fixture groups they implement.
 */
export function registerTorchOps(adapters: Record<string, TorchOpAdapter>): void {
  Object.assign(TORCH_OPS, adapters);
}
