/**
 * `@dendrite/core/kit`: the backend-neutral kernel kit. The geometry core computes once and every backend
 * reuses (broadcast collapse, `[outer, reduced, inner]` layouts, window geometry, simplified
 * permutations), and the typed-array reference loops of every kernel of the contract. A backend made of
 * typed arrays (backend-cpu) is storage plus calls into here; a backend with its own fast paths
 * (backend-wasm's XNNPACK and emitted SIMD, backend-webgpu's shaders) uses the geometry for its own
 * kernels and these loops for whatever it runs in TypeScript. Every loop states its rounding rule in its
 * file's header. See README.md.
 *
 * Conventions: loops trust their arguments (core validated them); they write into an output array the
 * caller allocated (never into an input, unless a function says it may run in place) and overwrite all
 * of it; shapes are plain number arrays; float32 tensors are Float32Array, int32 Int32Array, bool
 * Uint8Array (0 or 1).
 */
export {
  isMatrixTranspose,
  product,
  type ReductionLayout,
  reductionLayout,
  simplifyPermutation,
  splitAt,
} from './geometry/axes.js';
export {
  broadcastStrides,
  type CollapsedBroadcast,
  collapseBroadcast,
  forEachRow,
} from './geometry/broadcast.js';
export {
  type CollapsedStrides,
  collapseStrides,
  offsetOf,
  permutedStrides,
  stridesOf,
} from './geometry/strides.js';
export {
  type ConvGeometry,
  convGeometry,
  isDepthwise,
  type PoolGeometry,
  poolGeometry,
  windowOutputSize,
  windowRange,
  windowSpan,
} from './geometry/window.js';
export { activate, addBias } from './loops/activation.js';
export { activationGrad } from './loops/activation-grad.js';
export { batchNorm, batchNormFold } from './loops/batch-norm.js';
export { BATCH_NORM_GRAD_SUM_ROWS, batchNormRstd, batchNormTrainingGrad } from './loops/batch-norm-grad.js';
export { binary, binaryScalar, expand, where } from './loops/binary.js';
export { cast, elementOf } from './loops/cast.js';
export {
  backpropFilterRows,
  backpropInputPixels,
  chunkCount,
  col2im,
  colWidth,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  depthwiseBackpropFilter,
  depthwiseBackpropInput,
  forwardPixels,
  im2col,
  pointwiseBackpropFilter,
  pointwiseBackpropInput,
  pointwiseForward,
} from './loops/conv2d.js';
export { erf } from './loops/erf.js';
export { checkIndices, gather, scatterAdd } from './loops/gather.js';
export { gemm, MR } from './loops/gemm.js';
export { concat, copyBox, pad, place, slice } from './loops/layout.js';
export { lstmCell } from './loops/lstm-cell.js';
export {
  kitLstmGemm,
  type LstmBackwardOptions,
  type LstmBackwardRow,
  type LstmDims,
  type LstmForwardOptions,
  type LstmForwardRow,
  type LstmGemm,
  type LstmGradients,
  type LstmRecurrence,
  lstmBackwardLayout,
  lstmBackwardRow,
  lstmBackwardScratch,
  lstmForwardLayout,
  lstmForwardRow,
  lstmForwardScratch,
  lstmSequenceBackward,
  lstmSequenceForward,
} from './loops/lstm-sequence.js';
export { type GemmCall, matmul, matmulCalls } from './loops/matmul.js';
export { adamUpdate, optimizerStateCount, sgdUpdate } from './loops/optimizer.js';
export { avgPool2dGrad, maxPool2dGrad, pool2d } from './loops/pool.js';
export { argReduce, reduce } from './loops/reduce.js';
export { softmax, softmaxCrossEntropy } from './loops/softmax.js';
export { transpose, transposeSimplified } from './loops/transpose.js';
export { roundHalfEven, unary } from './loops/unary.js';
