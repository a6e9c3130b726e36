/**
 * How the op names of `fixtures/torch/activations.json` map onto this package: each adapter reads the
 * case's input (`x`, or `v` for the classic neurons) and attributes and returns `{ y }`.
 */
import type { TorchOpAdapter } from '@dendrite/core/conformance';
import { gaussian, parametricSigmoid, ramp, step } from '../classic-neurons.js';
import { elu, leakyRelu, relu, relu6, selu } from '../relu-family.js';
import { hardSigmoid, sigmoid, softsign, tanh } from '../sigmoid-family.js';
import { gelu, silu, softplus } from '../smooth-rectifiers.js';
import { logSoftmax, softmax } from '../softmax.js';

type Attrs = Record<string, unknown>;
const num = (a: Attrs, key: string): number | undefined => a[key] as number | undefined;

export const torchAdapters: Record<string, TorchOpAdapter> = {
  sigmoid: ({ x }) => ({ y: sigmoid(x) }),
  tanh: ({ x }) => ({ y: tanh(x) }),
  relu: ({ x }) => ({ y: relu(x) }),
  leaky_relu: ({ x }, a) => ({ y: leakyRelu(x, num(a, 'alpha')) }),
  elu: ({ x }, a) => ({ y: elu(x, num(a, 'alpha')) }),
  // The fixture records PyTorch's constants; selu() must reproduce them on its own.
  selu: ({ x }) => ({ y: selu(x) }),
  gelu: ({ x }, a) => ({ y: gelu(x, { approximate: a.approximate as 'none' | 'tanh' | undefined }) }),
  silu: ({ x }) => ({ y: silu(x) }),
  softplus: ({ x }, a) => ({ y: softplus(x, num(a, 'beta'), num(a, 'threshold')) }),
  softsign: ({ x }) => ({ y: softsign(x) }),
  relu6: ({ x }) => ({ y: relu6(x) }),
  hard_sigmoid: ({ x }, a) => ({ y: hardSigmoid(x, num(a, 'alpha'), num(a, 'beta')) }),
  softmax: ({ x }, a) => ({ y: softmax(x, num(a, 'axis')) }),
  log_softmax: ({ x }, a) => ({ y: logSoftmax(x, num(a, 'axis')) }),
  step: ({ v }, a) => ({ y: step(v, { a: num(a, 'a'), b: num(a, 'b'), c: num(a, 'c') }) }),
  ramp: ({ v }, a) => ({ y: ramp(v, { a: num(a, 'a'), b: num(a, 'b'), c: num(a, 'c'), d: num(a, 'd') }) }),
  parametric_sigmoid: ({ v }, a) => ({
    y: parametricSigmoid(v, { z: num(a, 'z'), x: num(a, 'x'), y: num(a, 'y') }),
  }),
  gaussian: ({ v }, a) => ({ y: gaussian(v, { mu: num(a, 'mu'), sigma: num(a, 'sigma') }) }),
};
