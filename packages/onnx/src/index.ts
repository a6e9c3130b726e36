/**
 * @dendrite/onnx — ONNX models in and out. `exportOnnx(module, { inputShape })` writes an ONNX model
 * (opset 17, NCHW at its inputs and outputs) that ONNX Runtime runs; `importOnnx(bytes)` turns an ONNX
 * model (opsets 13–18) into a Dendrite `Module` on any backend, with its initializers as trainable
 * parameters. Browser-safe; reading and writing files: `@dendrite/onnx/node`.
 */
export { OnnxDecodeError, OnnxExportError, OnnxGraphError, OnnxUnsupportedError } from './errors.js';
export type { ExportContext, GraphValue, ModuleConverter } from './export/export-context.js';
export { EXPORT_OPSET, type ExportOptions, exportOnnx, registerOnnxConverter } from './export/export-onnx.js';
export { type AttrValue, attr, GraphBuilder } from './export/graph-builder.js';
export { importOnnx, SUPPORTED_OPS } from './import/import-onnx.js';
export { OnnxModel } from './import/onnx-model.js';
export type { GraphIO } from './import/parse-graph.js';
export { inspectOnnx, type OnnxIoSummary, type OnnxSummary } from './inspect.js';
export { NCHW_TO_NHWC, NHWC_TO_NCHW, permuteData, permuteShape } from './layout.js';
export { MAX_TENSOR_ELEMENTS } from './proto/host-tensor.js';
export { DataType } from './proto/onnx-proto.js';
