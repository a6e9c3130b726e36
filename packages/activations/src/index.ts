/**
 * @dendrite/activations — differentiable activation functions composed from core's ops (so autograd and
 * every backend work unchanged), usable directly or by name through an extensible registry.
 */
export type { Activation } from './activation.js';
export {
  type GaussianParams,
  gaussian,
  type ParametricSigmoidParams,
  parametricSigmoid,
  type RampParams,
  ramp,
  type StepParams,
  step,
} from './classic-neurons.js';
export {
  type ActivationFactory,
  type ActivationParams,
  activationNames,
  getActivation,
  type RegisterOptions,
  registerActivation,
} from './registry.js';
export { elu, leakyRelu, relu, relu6, SELU_ALPHA, SELU_SCALE, selu } from './relu-family.js';
export { hardSigmoid, sigmoid, softsign, tanh } from './sigmoid-family.js';
export { type GeluOptions, gelu, silu, softplus, swish } from './smooth-rectifiers.js';
export { logSoftmax, softmax } from './softmax.js';
