/**
 * @dendrite/core/conformance — the engine of the shared suite: the case runners (PyTorch fixtures, ONNX
 * node tests, op specs, finite-difference gradients, fused-kernel checks), the adapter registries and
 * `deferredBackend`. Browser-safe. The whole suite in one call is `@dendrite/conformance`.
 */

export { type Comparison, compareValues } from './compare.js';
export { type DeferredBackend, type DeferredOptions, deferredBackend } from './deferred-backend.js';
export { FUSED_CHECKS, type FusedCheck, SPECIAL_VALUES } from './fused-checks.js';
export { checkGradients, type GradCheckOptions, type GradCheckResult } from './gradcheck.js';
export { GRADIENT_SPECS, type GradientSpec, resetGradientInputs } from './gradient-specs.js';
export { INVALID_CALLS, type InvalidCall } from './invalid-calls.js';
export {
  ONNX_OPS,
  type OnnxAttrs,
  type OnnxOpAdapter,
  OnnxUnsupported,
  registerOnnxOps,
} from './onnx-ops.js';
export { type HostTensor, OP_SPECS, type OpSpec, SPEC_TOLERANCE } from './op-specs.js';
export { FUSED_TOLERANCE, runFusedCheck } from './run-fused-check.js';
export { runGradientCase } from './run-gradient-case.js';
export { runInvalidCall } from './run-invalid-call.js';
export { ONNX_TOLERANCE, onnxDType, runOnnxCase } from './run-onnx-case.js';
export { runSpecCase } from './run-spec-case.js';
export { runTorchCase } from './run-torch-case.js';
export * from './schema.js';
export {
  type Attrs as TorchAttrs,
  registerTorchOps,
  type StructureValue,
  TORCH_OPS,
  type TorchOpAdapter,
} from './torch-ops.js';
