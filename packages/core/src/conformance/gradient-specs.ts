/**
 * Finite-difference checks of every differentiable op's gradient, run on every backend by the suite:
 * autograd's gradient (core's one definition per op, executed on the backend's kernels) against central
 * differences of the op itself. The tolerance (2e-2) catches wrong formulas and wrong kernels, not
 * rounding. Inputs avoid kinks (relu, abs, max ties) so the finite differences are meaningful.
 */
import * as d from '../index.js';

/** [name, op, inputs (made when the case runs, on the current backend)] */
export type GradientSpec = readonly [string, (...xs: d.Tensor[]) => d.Tensor, () => d.Tensor[]];

let rng = new d.Rng(1234);
/** Restarts the input stream, so every backend checks the same values. */
export function resetGradientInputs(): void {
  rng = new d.Rng(1234);
}

/** Random values in ±[0.2, 1.2]: away from the kinks of relu/abs/max at 0. */
function away(shape: number[]): d.Tensor {
  const u = rng.uniformValues(d.sizeOf(shape));
  return d.tensor(
    Float32Array.from(u, (v) => (v < 0.5 ? -1 : 1) * (0.2 + 2 * Math.abs(v - 0.5) * 1.0)),
    shape,
  );
}
function positive(shape: number[]): d.Tensor {
  return d.tensor(
    Float32Array.from(rng.uniformValues(d.sizeOf(shape)), (v) => 0.5 + v),
    shape,
  );
}
/** Distinct values 0.1 apart, shuffled: no near-ties for max/min (use offsets to keep two sets apart). */
function distinct(shape: number[], offset = 0): d.Tensor {
  const n = d.sizeOf(shape);
  const p = rng.permutation(n);
  return d.tensor(
    Float32Array.from(p, (v) => (v - n / 2) * 0.1 + offset),
    shape,
  );
}

export const GRADIENT_SPECS: readonly GradientSpec[] = [
  ['neg', d.neg, () => [away([2, 3])]],
  ['abs', d.abs, () => [away([2, 3])]],
  ['exp', d.exp, () => [away([2, 3])]],
  ['log', d.log, () => [positive([2, 3])]],
  ['sqrt', d.sqrt, () => [positive([2, 3])]],
  ['rsqrt', d.rsqrt, () => [positive([2, 3])]],
  ['square', d.square, () => [away([2, 3])]],
  ['reciprocal', d.reciprocal, () => [positive([2, 3])]],
  ['sin', d.sin, () => [away([2, 3])]],
  ['cos', d.cos, () => [away([2, 3])]],
  ['tanh', d.tanh, () => [away([2, 3])]],
  ['sigmoid', d.sigmoid, () => [away([2, 3])]],
  ['relu', d.relu, () => [away([2, 3])]],
  ['erf', d.erf, () => [away([2, 3])]],
  ['expm1', d.expm1, () => [away([2, 3])]],
  ['log1p', d.log1p, () => [positive([2, 3])]],
  ['add (broadcast)', d.add, () => [away([2, 3]), away([3])]],
  ['sub (broadcast both ways)', d.sub, () => [away([2, 1]), away([1, 3])]],
  ['mul (scalar)', d.mul, () => [away([2, 3]), away([])]],
  ['div', d.div, () => [away([2, 3]), positive([2, 3])]],
  ['pow', d.pow, () => [positive([2, 3]), away([3])]],
  ['maximum', d.maximum, () => [distinct([2, 3]), distinct([2, 3], 0.03)]],
  ['minimum', d.minimum, () => [distinct([2, 3]), distinct([3], 0.03)]],
  ['where', (c, a, b) => d.where(d.greater(c, 0), a, b), () => [away([2, 3]), away([2, 3]), away([3])]],
  ['sum axes', (x) => d.sum(x, [0, 2]), () => [away([2, 3, 2])]],
  ['mean keepdims', (x) => d.mean(x, -1, true), () => [away([2, 3])]],
  ['max', (x) => d.max(x, 1), () => [distinct([2, 4])]],
  ['min all', (x) => d.min(x), () => [distinct([2, 4])]],
  ['prod', (x) => d.prod(x, 1), () => [positive([2, 3])]],
  ['logsumexp', (x) => d.logsumexp(x, [0, 1]), () => [away([2, 3, 2])]],
  ['matmul', (a, b) => d.matmul(a, b), () => [away([3, 4]), away([4, 2])]],
  [
    'matmul transposes + batch broadcast',
    (a, b) => d.matmul(a, b, { transposeA: true, transposeB: true }),
    () => [away([2, 1, 4, 3]), away([3, 2, 4])],
  ],
  ['matmul vector', (a, b) => d.matmul(a, b), () => [away([4]), away([4, 2])]],
  [
    'fusedMatmul relu + bias',
    (a, b, c) => d.fusedMatmul(a, b, { bias: c, activation: 'relu' }),
    () => [away([3, 4]), away([4, 5]), away([5])],
  ],
  [
    'fusedMatmul sigmoid transposeB',
    (a, b) => d.fusedMatmul(a, b, { activation: 'sigmoid', transposeB: true }),
    () => [away([3, 4]), away([5, 4])],
  ],
  [
    'conv2d same stride 2',
    (x, f) => d.conv2d(x, f, { strides: 2, padding: 'same' }),
    () => [away([1, 5, 5, 2]), away([3, 3, 2, 3])],
  ],
  [
    'conv2d dilation 2 + bias',
    (x, f, b) => d.conv2d(x, f, { dilations: 2, padding: 'same', bias: b }),
    () => [away([1, 5, 5, 2]), away([3, 3, 2, 2]), away([2])],
  ],
  [
    'conv2d groups 2',
    (x, f) => d.conv2d(x, f, { groups: 2 }),
    () => [away([1, 4, 4, 4]), away([3, 3, 2, 4])],
  ],
  [
    'depthwiseConv2d',
    (x, f) => d.depthwiseConv2d(x, f, { padding: 'same' }),
    () => [away([1, 4, 4, 2]), away([3, 3, 2, 2])],
  ],
  [
    'conv2dTranspose',
    (x, f) => d.conv2dTranspose(x, f, [1, 6, 6, 2], { strides: 2, padding: 'same' }),
    () => [away([1, 3, 3, 3]), away([3, 3, 2, 3])],
  ],
  ['maxPool2d', (x) => d.maxPool2d(x, 2, { strides: 2 }), () => [distinct([1, 4, 4, 2])]],
  ['avgPool2d same', (x) => d.avgPool2d(x, 3, { strides: 2, padding: 'same' }), () => [away([1, 5, 5, 2])]],
  ['transpose', (x) => d.transpose(x, [2, 0, 1]), () => [away([2, 3, 4])]],
  ['broadcastTo', (x) => d.broadcastTo(x, [2, 3, 4]), () => [away([3, 1])]],
  ['tile', (x) => d.tile(x, [2, 3]), () => [away([2, 2])]],
  ['slice', (x) => d.slice(x, [1, 0], [2, -1]), () => [away([4, 3])]],
  ['concat', (a, b) => d.concat([a, b], 1), () => [away([2, 3]), away([2, 1])]],
  ['stack', (a, b) => d.stack([a, b], -1), () => [away([2, 3]), away([2, 3])]],
  [
    'pad',
    (x) =>
      d.pad(x, [
        [1, 0],
        [2, 1],
      ]),
    () => [away([2, 3])],
  ],
  ['gather', (x) => d.gather(x, d.tensor([2, 0, 2], [3], 'int32'), 1), () => [away([2, 3])]],
  ['softmax', (x) => d.softmax(x, 1), () => [away([2, 3, 2])]],
  ['logSoftmax', (x) => d.logSoftmax(x), () => [away([2, 4])]],
  [
    'softmaxCrossEntropy',
    (z, t) => d.softmaxCrossEntropy(z, d.softmax(t)),
    () => [away([3, 4]), away([3, 4])],
  ],
  [
    'batchNorm (batch statistics)',
    (x, g, b) => d.batchNorm(x, d.moments(x), g, b),
    () => [away([4, 3]), away([3]), away([3])],
  ],
  [
    'lstmCell',
    (z, c) => {
      const r = d.lstmCell(z, c);
      return d.add(r.h, d.mul(r.c, 0.5));
    },
    () => [away([2, 8]), away([2, 2])],
  ],
  [
    'fusedConv2d (bias, tanh, stride 2, same)',
    (x, f, b) => d.fusedConv2d(x, f, { bias: b, activation: 'tanh', strides: 2, padding: 'same' }),
    () => [away([1, 5, 5, 2]), away([3, 3, 2, 3]), away([3])],
  ],
  // The first pass of a fused layer's gradient, differentiated itself (double backward): y and dy.
  ...(['relu', 'sigmoid', 'tanh'] as const).map(
    (activation): GradientSpec => [
      `fusedActivationGrad (${activation})`,
      (dy, y) => d.fusedActivationGrad(dy, y, activation),
      () => [away([2, 3]), activation === 'relu' ? away([2, 3]) : positive([2, 3])],
    ],
  ),
  [
    'fusedConv2d (grouped, sigmoid)',
    (x, f) => d.fusedConv2d(x, f, { groups: 2, activation: 'sigmoid' }),
    () => [away([1, 4, 4, 4]), away([2, 2, 2, 4])],
  ],
  [
    'lstmSequence (all outputs, initial state)',
    (x, w, u, b, h0, c0) => {
      const r = d.lstmSequence(x, d.mul(w, 0.5), d.mul(u, 0.5), b, h0, c0);
      return d.add(d.add(r.y!, d.mul(d.expandDims(r.h, 1), 0.3)), d.mul(d.expandDims(r.c, 1), 0.7));
    },
    () => [away([2, 4, 3]), away([3, 8]), away([2, 8]), away([8]), away([2, 2]), away([2, 2])],
  ],
  [
    'lstmSequence (last state only)',
    (x, w, u, b) => d.lstmSequence(x, d.mul(w, 0.5), d.mul(u, 0.5), b, null, null, false).h,
    () => [away([3, 5, 2]), away([2, 12]), away([3, 12]), away([12])],
  ],
  ['clip', (x) => d.clip(x, -0.5, 0.5), () => [away([2, 3])]],
];
