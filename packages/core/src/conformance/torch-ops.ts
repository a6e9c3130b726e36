/**
 * How each op name of the PyTorch fixtures maps onto Dendrite's API. An adapter takes the case's
 * arguments (inputs, params and state by name) and attributes, and returns its outputs by name.
 * A fixture whose op has no adapter here is reported as unsupported, never skipped silently.
 */

import type { Padding } from '../kit/geometry/window.js';
import { add, div, maximum, minimum, mul, pow, sub } from '../ops/arithmetic.js';
import { conv2d, conv2dTranspose, depthwiseConv2d } from '../ops/conv.js';
import { fusedMatmul } from '../ops/fused/fused-matmul.js';
import { matmul } from '../ops/matmul.js';
import { avgPool2d, globalAvgPool2d, globalMaxPool2d, maxPool2d } from '../ops/pool.js';
import { type Axes, argmax, argmin, logsumexp, max, mean, min, sum } from '../ops/reduce.js';
import { abs, erf, exp, log, neg, reciprocal, sqrt, square } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
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
  // reductions
  sum: reduction(sum),
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
  dense: (x) => ({ y: fusedMatmul(x.x, x.W, { bias: x.b ?? null }) }),
  // convolution
  conv2d: (x, a) => ({ y: conv2d(x.x, x.filter, convOptions(a, x.bias)) }),
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
};

/**
 * Adds (or replaces) adapters, so packages above core (layers, optim) can extend the suite with the
 * fixture groups they implement.
 */
export function registerTorchOps(adapters: Record<string, TorchOpAdapter>): void {
  Object.assign(TORCH_OPS, adapters);
}
