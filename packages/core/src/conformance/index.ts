/**
 * @dendrite/core/conformance — the shared suite every backend passes (Node only: it reads fixture
 * folders from disk). See packages/core/README.md.
 */

export { type Comparison, compareValues } from './compare.js';
export { checkGradients, type GradCheckResult } from './gradcheck.js';
export { GRADIENT_SPECS, type GradientSpec, resetGradientInputs } from './gradient-specs.js';
export { type FixtureFile, loadFixtureFile, loadFixtureFolder } from './load-fixtures.js';
export {
  ONNX_OPS,
  type OnnxAttrs,
  type OnnxOpAdapter,
  OnnxUnsupported,
  registerOnnxOps,
} from './onnx-ops.js';
export { type HostTensor, OP_SPECS, type OpSpec, SPEC_TOLERANCE } from './op-specs.js';
export { runGradientCase } from './run-gradient-case.js';
export { ONNX_TOLERANCE, onnxDType, runOnnxCase } from './run-onnx-case.js';
export { runSpecCase } from './run-spec-case.js';
export {
  applyExpectation,
  type ConformanceOptions,
  expectedFailureFor,
  runConformance,
  type TestApi,
} from './run-suite.js';
export { runTorchCase } from './run-torch-case.js';
export * from './schema.js';
export {
  type Attrs as TorchAttrs,
  registerTorchOps,
  type StructureValue,
  TORCH_OPS,
  type TorchOpAdapter,
} from './torch-ops.js';
