/**
 * `inspectOnnx(bytes)`: what a model file holds — opset, producer, inputs and outputs with their shapes,
 * op counts, parameters — and which of its ops Dendrite does not implement, without building anything.
 */
import { SUPPORTED_OPS } from './import/import-onnx.js';
import { checkDims } from './proto/host-tensor.js';
import { decodeModel, int64, type ValueInfoProto } from './proto/onnx-proto.js';

export interface OnnxIoSummary {
  readonly name: string;
  /** Dims, symbolic ones by name. */
  readonly shape: readonly (number | string)[] | null;
  readonly elemType: number;
}

export interface OnnxSummary {
  readonly irVersion: number;
  readonly opsets: Readonly<Record<string, number>>;
  readonly producer: string;
  readonly graphName: string;
  readonly inputs: readonly OnnxIoSummary[];
  readonly outputs: readonly OnnxIoSummary[];
  /** Node count per op type (domain-qualified outside the default domain). */
  readonly ops: Readonly<Record<string, number>>;
  readonly initializers: number;
  /** Elements of all initializers. */
  readonly parameters: number;
  /** Op types the importer does not implement. */
  readonly unsupported: readonly string[];
}

function ioSummary(v: ValueInfoProto): OnnxIoSummary {
  const t = v.type?.tensor_type;
  return {
    name: v.name ?? '',
    shape: t?.shape?.dim
      ? t.shape.dim.map((d) =>
          d.dim_param ? d.dim_param : d.dim_value !== undefined ? int64(d.dim_value) : '?',
        )
      : null,
    elemType: t?.elem_type ?? 0,
  };
}

export function inspectOnnx(bytes: Uint8Array): OnnxSummary {
  const model = decodeModel(bytes);
  const graph = model.graph ?? {};
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const ops: Record<string, number> = {};
  for (const n of graph.node ?? []) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.op_type}` : (n.op_type ?? '');
    ops[key] = (ops[key] ?? 0) + 1;
  }
  const parameters = (graph.initializer ?? []).reduce(
    (sum, t) =>
      sum +
      checkDims(
        `initializer '${t.name}'`,
        (t.dims ?? []).map((d) => int64(d)),
      ),
    0,
  );
  return {
    irVersion: int64(model.ir_version),
    opsets: Object.fromEntries(
      (model.opset_import ?? []).map((o) => [o.domain || 'ai.onnx', int64(o.version)]),
    ),
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(' '),
    graphName: graph.name ?? '',
    inputs: (graph.input ?? []).filter((v) => !initNames.has(v.name)).map(ioSummary),
    outputs: (graph.output ?? []).map(ioSummary),
    ops,
    initializers: initNames.size,
    parameters,
    unsupported: Object.keys(ops).filter((op) => op !== 'Constant' && !(op in SUPPORTED_OPS)),
  };
}
