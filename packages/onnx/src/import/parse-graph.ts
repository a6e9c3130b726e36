/**
 * From a decoded ModelProto to a checked, topologically ordered graph: the opset, the real inputs (graph
 * inputs that are not initializers), initializers read and size-checked, node attributes parsed, every
 * node's op and attributes known, every name defined once and every input defined, and no cycle. Each
 * failure is a typed error naming what is wrong.
 */
import { OnnxDecodeError, OnnxGraphError, OnnxUnsupportedError } from '../errors.js';
import { fromTensorProto, type HostTensor, hostInts } from '../proto/host-tensor.js';
import {
  type AttributeProto,
  AttributeType,
  DataType,
  type GraphProto,
  int64,
  type ModelProto,
  type ValueInfoProto,
} from '../proto/onnx-proto.js';
import type { Attrs, OpDefinition } from './op-types.js';
import type { NodeInfo } from './values.js';

export const MIN_OPSET = 13;
/** Opsets after 18 changed the ops implemented here only by adding types (and new Pad modes, refused). */
export const MAX_OPSET = 25;

export interface GraphIO {
  readonly name: string;
  /** ONNX dims; a symbolic or unknown dim is null. */
  readonly dims: readonly (number | null)[] | null;
  readonly elemType: number;
}

export interface ParsedNode {
  readonly info: NodeInfo;
  readonly def: OpDefinition;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
}

export interface ParsedGraph {
  readonly name: string;
  readonly opset: number;
  readonly inputs: readonly GraphIO[];
  readonly outputs: readonly GraphIO[];
  readonly initializers: ReadonlyMap<string, HostTensor>;
  /** Topological order. */
  readonly nodes: readonly ParsedNode[];
}

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : '');

function parseAttribute(where: string, a: AttributeProto): Attrs[string] {
  const type = a.type ?? AttributeType.UNDEFINED;
  switch (type) {
    case AttributeType.FLOAT:
      return a.f ?? 0;
    case AttributeType.INT:
      return int64(a.i, `${where} attribute ${a.name}`);
    case AttributeType.STRING:
      return text(a.s);
    case AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    case AttributeType.INTS:
      return (a.ints ?? []).map((v) => int64(v, `${where} attribute ${a.name}`));
    case AttributeType.STRINGS:
      return (a.strings ?? []).map(text);
    case AttributeType.TENSOR:
      if (!a.t) throw new OnnxDecodeError(where, `attribute '${a.name}' of type TENSOR has no tensor`);
      return fromTensorProto(a.t, `${where} attribute '${a.name}'`);
    default:
      return undefined; // graphs, sparse tensors, type protos: refused by the op's attribute check
  }
}

function io(v: ValueInfoProto): GraphIO {
  const t = v.type?.tensor_type;
  const dims = t?.shape?.dim
    ? t.shape.dim.map((d) =>
        d.dim_value !== undefined && d.dim_value !== null && !d.dim_param ? int64(d.dim_value) : null,
      )
    : null;
  return { name: v.name ?? '', dims, elemType: t?.elem_type ?? DataType.FLOAT };
}

/** A Constant node's value as a host tensor. */
export function constantValue(node: NodeInfo, attrs: Attrs): HostTensor {
  if (attrs.value !== undefined) return attrs.value as HostTensor;
  if (attrs.value_float !== undefined) {
    return {
      kind: 'float',
      shape: [],
      data: Float32Array.of(attrs.value_float as number),
      dataType: DataType.FLOAT,
    };
  }
  if (attrs.value_floats !== undefined) {
    const v = attrs.value_floats as number[];
    return { kind: 'float', shape: [v.length], data: Float32Array.from(v), dataType: DataType.FLOAT };
  }
  if (attrs.value_int !== undefined) return hostInts([attrs.value_int as number], []);
  if (attrs.value_ints !== undefined) return hostInts(attrs.value_ints as number[]);
  throw new OnnxUnsupportedError(
    node.name,
    node.opType,
    node.opset,
    'a Constant without a value, value_float(s) or value_int(s)',
  );
}

export const CONSTANT_OP: OpDefinition = {
  attributes: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'],
  run: () => {
    throw new Error('Constant nodes are folded at load time');
  },
};

export function parseGraph(model: ModelProto, ops: Readonly<Record<string, OpDefinition>>): ParsedGraph {
  const op = 'importOnnx';
  const graph: GraphProto | undefined = model.graph;
  if (!graph) throw new OnnxDecodeError(op, 'the model has no graph');
  const imports = model.opset_import ?? [];
  const main = imports.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!main) throw new OnnxDecodeError(op, 'the model imports no opset of the default ONNX domain');
  const opset = int64(main.version, 'opset version');
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxUnsupportedError(
      graph.name || 'graph',
      'model',
      opset,
      `opset ${opset} is outside the supported ${MIN_OPSET}–${MAX_OPSET} (re-export with opset_version=${MIN_OPSET}..17)`,
    );
  }

  const initializers = new Map<string, HostTensor>();
  for (const t of graph.initializer ?? []) {
    const name = t.name ?? '';
    if (!name) throw new OnnxGraphError(op, 'an initializer has no name');
    if (initializers.has(name)) throw new OnnxGraphError(op, `initializer '${name}' is defined twice`);
    initializers.set(name, fromTensorProto(t, `initializer '${name}'`));
  }
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(io);
  const outputs = (graph.output ?? []).map(io);
  if (outputs.length === 0) throw new OnnxGraphError(op, 'the graph has no outputs');

  const producers = new Map<string, number>();
  const defined = new Set<string>([...initializers.keys(), ...inputs.map((i) => i.name)]);
  const raw = graph.node ?? [];
  const parsed: ParsedNode[] = raw.map((n, i) => {
    const opType = n.op_type ?? '';
    const info: NodeInfo = { name: n.name || `${opType}_${i}`, opType, opset };
    if (n.domain && n.domain !== 'ai.onnx') {
      throw new OnnxUnsupportedError(
        info.name,
        opType,
        opset,
        `domain '${n.domain}' is not supported (only the default ONNX domain)`,
      );
    }
    const def = opType === 'Constant' ? CONSTANT_OP : ops[opType];
    if (!def) throw new OnnxUnsupportedError(info.name, opType, opset, `op '${opType}' is not implemented`);
    const attrs: Attrs = {};
    for (const a of n.attribute ?? []) {
      const key = a.name ?? '';
      if (!def.attributes.includes(key)) {
        throw new OnnxUnsupportedError(
          info.name,
          opType,
          opset,
          `attribute '${key}' is not supported (known: ${def.attributes.join(', ') || 'none'})`,
        );
      }
      const value = parseAttribute(`node '${info.name}' (${opType})`, a);
      if (value === undefined)
        throw new OnnxUnsupportedError(
          info.name,
          opType,
          opset,
          `attribute '${key}' has an unsupported type ${a.type}`,
        );
      attrs[key] = value;
    }
    def.validate?.(info, attrs);
    for (const out of n.output ?? []) {
      if (!out) continue;
      if (defined.has(out) || producers.has(out)) {
        throw new OnnxGraphError(
          `node '${info.name}' (${opType})`,
          `output '${out}' is already defined by another node, input or initializer`,
        );
      }
      producers.set(out, i);
    }
    return { info, def, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs };
  });

  // Every input defined somewhere, then Kahn's algorithm: what is left over is a cycle.
  const indegree = parsed.map(() => 0);
  const users = parsed.map(() => [] as number[]);
  parsed.forEach((n, i) => {
    for (const name of n.inputs) {
      if (!name) continue;
      const p = producers.get(name);
      if (p === undefined) {
        if (!defined.has(name)) {
          throw new OnnxGraphError(
            `node '${n.info.name}' (${n.info.opType})`,
            `reads '${name}', which no node, graph input or initializer defines (a missing initializer?)`,
          );
        }
        continue;
      }
      indegree[i]++;
      users[p].push(i);
    }
  });
  const order: number[] = [];
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  while (ready.length) {
    const i = ready.shift()!;
    order.push(i);
    for (const u of users[i]) if (--indegree[u] === 0) ready.push(u);
  }
  if (order.length !== parsed.length) {
    const stuck = parsed.filter((_, i) => indegree[i] > 0).map((n) => `'${n.info.name}' (${n.info.opType})`);
    throw new OnnxGraphError(
      op,
      `the graph has a cycle through ${stuck.slice(0, 8).join(', ')}${stuck.length > 8 ? ', …' : ''}`,
    );
  }
  for (const o of outputs) {
    if (!producers.has(o.name) && !defined.has(o.name)) {
      throw new OnnxGraphError(
        op,
        `graph output '${o.name}' is not defined by any node, input or initializer`,
      );
    }
  }
  return { name: graph.name ?? '', opset, inputs, outputs, initializers, nodes: order.map((i) => parsed[i]) };
}
