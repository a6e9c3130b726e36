/**
 * @dendrite/layers — the `Module` base, layers (NHWC, HWIO filters, Dense `[in, out]`), initializers,
 * losses and safetensors checkpoints. Checkpoint files on Node: `@dendrite/layers/node`; fixture
 * adapters for the conformance runner: `@dendrite/layers/conformance`.
 */

// checkpoints (in memory: browser-safe)
export { CheckpointError, type CheckpointProblem } from './checkpoint/checkpoint-error.js';
export { DEFAULT_SAFETENSORS_LIMITS, type SafetensorsLimits } from './checkpoint/limits.js';
export { type LoadDecodedOptions, loadDecodedCheckpoint } from './checkpoint/load-decoded.js';
export { fromPyTorchStateDict, type PyTorchMappingOptions } from './checkpoint/pytorch.js';
export { type ModuleNeeds, suggestPrefixes } from './checkpoint/pytorch-hints.js';
export {
  type DecodedCheckpoint,
  decodeSafetensors,
  encodeSafetensors,
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  parseSafetensorsHeaderText,
  readSafetensorsEntry,
  readSafetensorsHeaderLength,
  type SafetensorsDType,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './checkpoint/safetensors.js';
// initializers
export {
  constant,
  type Fans,
  fansOf,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type InitContext,
  type Initializer,
  type InitializerName,
  type InitializerSpec,
  initialize,
  lecunNormal,
  lecunUniform,
  normal,
  ones,
  smallRandom,
  uniform,
  zeros,
} from './initializers.js';
export { ActivationLayer } from './layers/activation-layer.js';
// layers
export type { ActivationDescriptor, ActivationSpec, ResolvedActivation } from './layers/activation-option.js';
export { AvgPool2D } from './layers/avg-pool2d.js';
export { BatchNorm, type BatchNormOptions } from './layers/batch-norm.js';
export { Concat, type ConcatOptions } from './layers/concat.js';
export { canFoldBatchNorm, convBatchNorm } from './layers/conv-batch-norm.js';
export type { ConvLayerOptions } from './layers/conv-layer.js';
export { Conv2D, type Conv2DOptions } from './layers/conv2d.js';
export { Conv2DTranspose, type Conv2DTransposeOptions } from './layers/conv2d-transpose.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export { DepthwiseConv2D, type DepthwiseConv2DOptions } from './layers/depthwise-conv2d.js';
export { Dropout } from './layers/dropout.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { Flatten } from './layers/flatten.js';
export { GlobalAvgPool2D, type GlobalAvgPool2DOptions } from './layers/global-avg-pool2d.js';
export { Identity } from './layers/identity.js';
export { LayerNorm, type LayerNormOptions } from './layers/layer-norm.js';
export type { LayerOptions } from './layers/layer-options.js';
export { LSTM, type LSTMOptions, type LSTMResult, type LSTMState } from './layers/lstm.js';
export { MaxPool2D } from './layers/max-pool2d.js';
export type { Pool2DOptions, PoolGeometry } from './layers/pool-options.js';
export { Reshape } from './layers/reshape.js';
export { Residual, type ResidualOptions } from './layers/residual.js';
export { type LayerList, Sequential } from './layers/sequential.js';
export type { Pair } from './layers/window-geometry.js';
// losses
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './losses/binary-cross-entropy.js';
export { crossEntropy } from './losses/cross-entropy.js';
export { meanSquaredError } from './losses/mean-squared-error.js';
export { negativeLogLikelihood } from './losses/negative-log-likelihood.js';
export type { LossOptions, Reduction } from './losses/reduction.js';
export { sumSquaredError } from './losses/sum-squared-error.js';
// the module system
export {
  type ModuleValueAndGrads,
  type ParameterValues,
  valueAndGradOfModule,
  withParameters,
} from './module/functional.js';
export {
  combineDescriptions,
  type ForwardHook,
  type HookHandle,
  type LayerDescription,
  type LoadStateOptions,
  Module,
  type StateDictOptions,
} from './module/module.js';
export { Parameter, type ParameterOptions, StateBuffer } from './module/parameter.js';
