/**
 * `exportOnnx(module, { inputShape })`: the module (in inference mode) as an ONNX model, opset 17, with
 * its current weights. Inputs and outputs use ONNX's layouts (an image input is NCHW), the batch axis is
 * symbolic ('N') unless `dynamicBatch: false`.
 */
import type { DType, Shape } from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import { OnnxExportError } from '../errors.js';
import { OnnxModel } from '../import/onnx-model.js';
import { NHWC_TO_NCHW, permuteShape } from '../layout.js';
import { DataType, encodeModel, type ValueInfoProto } from '../proto/onnx-proto.js';
import { ARCHITECTURE_CONVERTERS } from './architecture-converters.js';
import { ExportContext, type ModuleConverter } from './export-context.js';
import { GraphBuilder } from './graph-builder.js';
import { LAYER_CONVERTERS } from './layer-converters.js';

export const EXPORT_OPSET = 17;

export interface ExportOptions {
  /** The input as `module.forward` takes it, batch axis included: `[N, H, W, C]` for images. */
  readonly inputShape: Shape;
  /** Default float32 (int32 for token ids). */
  readonly inputDType?: DType;
  /** Default 'input'. */
  readonly inputName?: string;
  /** Default 'output'. */
  readonly outputName?: string;
  /** Write the batch axis as the symbol 'N' (default true). */
  readonly dynamicBatch?: boolean;
  /** The graph's name (default the module's name). */
  readonly name?: string;
}

const converters = new Map<string, ModuleConverter>([...LAYER_CONVERTERS, ...ARCHITECTURE_CONVERTERS]);

/** Teaches the exporter a module kind of your own (or replaces a built-in converter). */
export function registerOnnxConverter(kind: string, converter: ModuleConverter): void {
  converters.set(kind, converter);
}

function valueInfo(name: string, shape: Shape, elemType: number, dynamicBatch: boolean): ValueInfoProto {
  const onnxShape = shape.length === 4 ? permuteShape(shape, NHWC_TO_NCHW) : [...shape];
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: {
          dim: onnxShape.map((d, i) => (i === 0 && dynamicBatch ? { dim_param: 'N' } : { dim_value: d })),
        },
      },
    },
  };
}

export async function exportOnnx(module: Module, options: ExportOptions): Promise<Uint8Array> {
  // An imported model is written as the graph it came from, with its current weights.
  if (module instanceof OnnxModel) return module.toOnnx();
  const inputShape = [...options.inputShape];
  if (inputShape.length < 1 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new OnnxExportError(
      'exportOnnx',
      `inputShape must be positive integers with a batch axis, got [${inputShape.join(', ')}]`,
    );
  }
  const dtype = options.inputDType ?? 'float32';
  if (dtype === 'bool') throw new OnnxExportError('exportOnnx', 'bool inputs are not supported');
  const wasTraining = module.training;
  module.eval();
  try {
    const graph = new GraphBuilder();
    const inputName = graph.reserve(options.inputName ?? 'input');
    const ctx = new ExportContext(graph, converters);
    const y = ctx.convert(module, { name: inputName, shape: inputShape });
    const outputName = options.outputName ?? 'output';
    if (y.name === inputName)
      graph.nodes.push({ op_type: 'Identity', name: 'identity', input: [y.name], output: [outputName] });
    else {
      // The last node writes the graph's output name.
      const last = graph.nodes[graph.nodes.length - 1];
      const i = last.output?.indexOf(y.name) ?? -1;
      if (i >= 0 && last.output) last.output[i] = outputName;
      else
        graph.nodes.push({
          op_type: 'Identity',
          name: 'output_identity',
          input: [y.name],
          output: [outputName],
        });
    }
    await graph.finishWeights();
    const dynamic = options.dynamicBatch ?? true;
    return encodeModel({
      ir_version: 8,
      producer_name: 'dendrite',
      producer_version: '0',
      opset_import: [{ domain: '', version: EXPORT_OPSET }],
      graph: {
        name: options.name ?? (module.name || module.kind),
        node: graph.nodes,
        initializer: graph.initializers,
        input: [
          valueInfo(inputName, inputShape, dtype === 'int32' ? DataType.INT32 : DataType.FLOAT, dynamic),
        ],
        output: [valueInfo(outputName, y.shape, DataType.FLOAT, dynamic)],
      },
    });
  } finally {
    module.train(wasTraining);
  }
}
