/**
 * @dendrite/activations/conformance — the fixture adapters of this package as plain objects, for the
 * repository's conformance runner (`registerTorchOps(torchAdapters)`, `registerOnnxOps(onnxAdapters)`).
 */
export { onnxAdapters } from './onnx-adapters.js';
export { torchAdapters } from './torch-adapters.js';
