/**
 * @dendrite/core — tensors, autograd, memory scopes, seeded RNG, the kernel contract and the backend
 * registry. Backends live in their own packages and register themselves by name.
 */

export { backward } from './autograd/backward.js';
export { grad, type ValueAndGrads, valueAndGrad } from './autograd/functional.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd/grad-mode.js';
export type { GradFn } from './autograd/grad-node.js';
export { type GradientConfig, gradientOf, registerGradients } from './autograd/gradient-registry.js';
export type * from './backend.js';
export { settleAllChecks } from './checks/deferred-checks.js';
export { checkIndexRange } from './checks/index-range.js';
export { isCheckingNumerics, setCheckNumerics } from './checks/numerics.js';
export { readScalars } from './checks/read-scalars.js';
export {
  allocArray,
  bytesPerElement,
  type DataArray,
  DTYPES,
  type DType,
  isDType,
  toDataArray,
} from './dtype.js';
export {
  ArgumentError,
  asOp,
  BackendError,
  DendriteError,
  DisposedError,
  DTypeError,
  fmtValue,
  IndexError,
  NonFiniteError,
  renamed,
  ScopeError,
  ShapeError,
} from './errors.js';
export { hasNaN, hasNaNOrNegativeZero, hasNonFinite, powC } from './ieee.js';
export {
  checkKernelTable,
  missingKernels,
  OPTIONAL_KERNELS,
  type OptionalKernel,
  overriddenKernels,
  REQUIRED_KERNELS,
  type RequiredKernel,
} from './kernel-table.js';
export { type Padding, type Pair, resolvePads, toPair, windowOutput } from './kit/geometry/window.js';
export {
  dispose,
  keep,
  type MemoryInfo,
  memory,
  setDebugMemory,
  type TensorContainer,
  tidy,
} from './memory.js';
export * from './ops/arithmetic.js';
export * from './ops/cast.js';
export * from './ops/clip.js';
export {
  equal,
  fullBool,
  greater,
  greaterEqual,
  isnan,
  less,
  lessEqual,
  logicalAnd,
  logicalOr,
  logicalXor,
  notEqual,
  where,
} from './ops/compare.js';
export * from './ops/concat.js';
export * from './ops/conv.js';
export * from './ops/creation.js';
export * from './ops/expand.js';
export * from './ops/fused/activation-gradient.js';
export * from './ops/fused/batch-norm.js';
export * from './ops/fused/fused-conv2d.js';
export * from './ops/fused/fused-matmul.js';
export * from './ops/fused/lstm-cell.js';
export * from './ops/fused/lstm-sequence.js';
export * from './ops/fused/optimizer-update.js';
export * from './ops/fused/softmax-cross-entropy.js';
export * from './ops/gather.js';
export * from './ops/matmul.js';
export * from './ops/pad.js';
export * from './ops/pool.js';
export * from './ops/reduce.js';
export * from './ops/reshape.js';
export * from './ops/slice.js';
export * from './ops/softmax.js';
export * from './ops/transpose.js';
export * from './ops/unary.js';
export {
  bernoulli,
  getDefaultRng,
  type RandomOptions,
  Rng,
  type RngState,
  randomNormal,
  randomUniform,
  setSeed,
  threefry2x32,
  truncatedNormal,
} from './random.js';
export {
  currentBackendName,
  getBackend,
  initBackend,
  registerBackend,
  registeredBackends,
  removeBackend,
  setBackend,
  useBestBackend,
} from './registry.js';
export {
  broadcastShapes,
  normalizeAxes,
  normalizeAxis,
  type Shape,
  shapesEqual,
  sizeOf,
  stridesOf,
} from './shape.js';
export { type NestedArray, Tensor } from './tensor.js';
export {
  checkBoolean,
  checkDType,
  checkFloatTensor,
  checkNumber,
  checkShape,
  checkTensor,
  MAX_ELEMENTS,
  type NumberRule,
} from './validate.js';
