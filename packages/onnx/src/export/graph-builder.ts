/**
 * Builds an ONNX graph node by node: unique value names, typed attributes, initializers (weights read
 * from their tensors once every node is known, so `exportOnnx` awaits all reads together).
 */
import type { Tensor } from '@dendrite/core';
import { toTensorProto } from '../proto/host-tensor.js';
import {
  type AttributeProto,
  AttributeType,
  DataType,
  type NodeProto,
  type TensorProto,
} from '../proto/onnx-proto.js';

export type AttrValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string };

export const attr = {
  int: (v: number): AttrValue => ({ int: v }),
  float: (v: number): AttrValue => ({ float: v }),
  ints: (v: readonly number[]): AttrValue => ({ ints: v }),
  floats: (v: readonly number[]): AttrValue => ({ floats: v }),
  string: (v: string): AttrValue => ({ string: v }),
};

function toAttribute(name: string, v: AttrValue): AttributeProto {
  if ('int' in v) return { name, type: AttributeType.INT, i: v.int };
  if ('float' in v) return { name, type: AttributeType.FLOAT, f: v.float };
  if ('ints' in v) return { name, type: AttributeType.INTS, ints: [...v.ints] };
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: [...v.floats] };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v.string) };
}

/** A host-side rewrite of a weight before it is written (HWIO -> OIHW, gate reordering…). */
export type HostTransform = (
  data: Float32Array,
  shape: readonly number[],
) => { data: Float32Array; shape: number[] };

interface PendingWeight {
  readonly name: string;
  readonly tensor: Tensor;
  readonly transform?: HostTransform;
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly pending: PendingWeight[] = [];
  private readonly used = new Set<string>();
  private readonly weightNames = new Map<Tensor, Map<HostTransform | undefined, string>>();
  private counter = 0;

  /** A name not used yet, from `base`. */
  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.:/-]/g, '_') || 'v';
    let name = clean;
    while (this.used.has(name)) name = `${clean}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns its output names (`outputs` of them, named after the op). */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    outputs = 1,
    base?: string,
  ): string[] {
    const prefix = base ?? op.toLowerCase();
    const outs = Array.from({ length: outputs }, (_, i) =>
      this.fresh(outputs > 1 ? `${prefix}_${i}` : prefix),
    );
    this.nodes.push({
      op_type: op,
      name: this.fresh(`${prefix}_node`),
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return outs;
  }

  /** `node` with a single output. */
  op(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, base?: string): string {
    return this.node(op, inputs, attrs, 1, base)[0];
  }

  /** A float32 weight from a tensor, read when the graph is finished (the same tensor and transform once). */
  weight(tensor: Tensor, base: string, transform?: HostTransform): string {
    let byTransform = this.weightNames.get(tensor);
    if (!byTransform) {
      byTransform = new Map();
      this.weightNames.set(tensor, byTransform);
    }
    const known = byTransform.get(transform);
    if (known) return known;
    const name = this.fresh(base);
    byTransform.set(transform, name);
    this.pending.push({ name, tensor, transform });
    return name;
  }

  /** A constant int64 tensor (axes, pads, shapes). */
  ints(base: string, values: readonly number[], shape: readonly number[] = [values.length]): string {
    const name = this.fresh(base);
    this.initializers.push(toTensorProto(name, shape, values, DataType.INT64));
    return name;
  }

  /** A constant float32 tensor. */
  floats(base: string, values: readonly number[], shape: readonly number[] = [values.length]): string {
    const name = this.fresh(base);
    this.initializers.push(toTensorProto(name, shape, values, DataType.FLOAT));
    return name;
  }

  /** Reads every pending weight (all reads in flight together) and writes them as initializers. */
  async finishWeights(): Promise<void> {
    const datas = await Promise.all(this.pending.map((w) => w.tensor.data()));
    this.pending.forEach((w, i) => {
      let data: Float32Array = Float32Array.from(datas[i] as ArrayLike<number>);
      let shape: number[] = [...w.tensor.shape];
      if (w.transform) ({ data, shape } = w.transform(data, shape));
      this.initializers.push(toTensorProto(w.name, shape, data, DataType.FLOAT));
    });
    this.pending.length = 0;
  }
}
