/**
 * The ONNX activation ops, mapped onto this package with ONNX's attribute names and defaults (which
 * differ from PyTorch's in places: HardSigmoid's alpha is 0.2, Selu's constants are float32-rounded,
 * Softplus has no linear threshold). Softmax and LogSoftmax follow opset 13 (one axis, default -1).
 */
import * as d from '@dendrite/core';
import type { OnnxOpAdapter } from '@dendrite/core/conformance';
import type { Activation } from '../activation.js';
import { elu, leakyRelu, relu } from '../relu-family.js';
import { hardSigmoid, sigmoid, softsign, tanh } from '../sigmoid-family.js';
import { gelu, softplus } from '../smooth-rectifiers.js';
import { logSoftmax, softmax } from '../softmax.js';

type OnnxAttrs = Parameters<OnnxOpAdapter>[1];

const attr = (a: OnnxAttrs, key: string, fallback: number): number =>
  (a[key] as number | undefined) ?? fallback;

const unary =
  (f: Activation): OnnxOpAdapter =>
  ([x]) => [f(x!)];

export const onnxAdapters: Record<string, OnnxOpAdapter> = {
  Relu: unary(relu),
  Sigmoid: unary(sigmoid),
  Tanh: unary(tanh),
  Softsign: unary(softsign),
  LeakyRelu: ([x], a) => [leakyRelu(x!, attr(a, 'alpha', 0.01))],
  Elu: ([x], a) => [elu(x!, attr(a, 'alpha', 1))],
  Selu: ([x], a) => {
    // ONNX's defaults: SELU's constants rounded to float32
    const alpha = attr(a, 'alpha', 1.6732631921768188);
    const gamma = attr(a, 'gamma', 1.0507010221481323);
    return [d.tidy(() => d.mul(elu(x!, alpha), gamma))];
  },
  HardSigmoid: ([x], a) => [hardSigmoid(x!, attr(a, 'alpha', 0.2), attr(a, 'beta', 0.5))],
  Gelu: ([x], a) => [gelu(x!, { approximate: (a.approximate as 'none' | 'tanh' | undefined) ?? 'none' })],
  // ONNX defines Softplus as plain log(1 + e^x): no threshold.
  Softplus: unary((x) => softplus(x, 1, Infinity)),
  Softmax: ([x], a) => [softmax(x!, attr(a, 'axis', -1))],
  LogSoftmax: ([x], a) => [logSoftmax(x!, attr(a, 'axis', -1))],
};
