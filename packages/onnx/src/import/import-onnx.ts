/** `importOnnx(bytes)`: an ONNX model as a Dendrite `OnnxModel` (a Module) on the current backend. */
import { decodeModel } from '../proto/onnx-proto.js';
import { NN_OPS } from './nn-ops.js';
import { OnnxModel } from './onnx-model.js';
import type { OpDefinition } from './op-types.js';
import { parseGraph } from './parse-graph.js';
import { TENSOR_OPS } from './tensor-ops.js';
import { unsupported } from './values.js';

const SHAPE_OPS: Record<string, OpDefinition> = {
  Shape: { attributes: ['start', 'end'], run: () => [] },
  Size: { attributes: [], run: () => [] },
  ConstantOfShape: {
    attributes: ['value'],
    run: (node) => unsupported(node, 'a shape computed at run time (it must fold to a constant)'),
  },
  Range: {
    attributes: [],
    run: (node) => unsupported(node, 'inputs computed at run time (they must fold to constants)'),
  },
};

/** Every op the importer implements, by ONNX op type. */
export const SUPPORTED_OPS: Readonly<Record<string, OpDefinition>> = {
  ...TENSOR_OPS,
  ...NN_OPS,
  ...SHAPE_OPS,
};

export function importOnnx(bytes: Uint8Array): OnnxModel {
  const model = decodeModel(bytes);
  return new OnnxModel(parseGraph(model, SUPPORTED_OPS), model);
}
