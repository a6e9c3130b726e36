/**
 * `OnnxModel`: an imported ONNX graph as a Dendrite `Module`. Float initializers are its parameters
 * (trainable, so it can be fine-tuned), mapped once, at load time, to Dendrite's layouts (conv filters
 * HWIO, LSTM gates i, f, g, o); batch-norm statistics are buffers; integer initializers, Constant nodes
 * and the shape arithmetic on them are folded on the host. Images enter and leave NHWC: a rank-4 input
 * is `[N, H, W, C]` (ONNX's NCHW input transposed), a rank-4 output likewise.
 */
import { DTypeError, dispose, noGrad, type Shape, ShapeError, type Tensor, tidy } from '@dendrite/core';
import { Module, type Parameter, type StateBuffer } from '@dendrite/layers';
import { OnnxGraphError } from '../errors.js';
import { type HostTensor, hostInts, kindOfDataType, toTensorProto } from '../proto/host-tensor.js';
import { DataType, encodeModel, type ModelProto, type TensorProto } from '../proto/onnx-proto.js';
import { evalHost } from './host-ops.js';
import type { GraphIO, ParsedGraph, ParsedNode } from './parse-graph.js';
import { constantValue } from './parse-graph.js';
import { channelsLast, constTensor, isConst, onnxShape, type RuntimeValue, type Value } from './values.js';
import { UNDO_WEIGHT_ROLES, WEIGHT_ROLES } from './weight-roles.js';

/** Inputs read on the host (a float initializer there is a constant, not a parameter). */
const HOST_INPUTS: Readonly<Record<string, readonly number[]>> = {
  Pad: [1, 2, 3],
  Dropout: [1, 2],
  Reshape: [1],
  Slice: [1, 2, 3, 4],
  Expand: [1],
  Tile: [1],
  Squeeze: [1],
  Unsqueeze: [1],
  Split: [1],
  ReduceMean: [1],
  ReduceSum: [1],
  ReduceMax: [1],
  ReduceMin: [1],
  ReduceProd: [1],
  ReduceLogSumExp: [1],
  ReduceSumSquare: [1],
  ConstantOfShape: [0],
};

/** Ops whose (first) output has their first input's shape. */
const SHAPE_PRESERVING = new Set([
  'Identity',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Cast',
  'Dropout',
  'LeakyRelu',
  'Elu',
  'Selu',
  'Gelu',
  'Softmax',
  'LogSoftmax',
  'Neg',
  'Abs',
  'Exp',
  'Log',
  'Sqrt',
  'Erf',
  'HardSigmoid',
  'Softplus',
  'Softsign',
  'Clip',
  'BatchNormalization',
]);

/** BatchNormalization's statistics: saved state, not learned. */
const BUFFER_INPUTS: Readonly<Record<string, readonly number[]>> = { BatchNormalization: [3, 4] };

interface WeightSlot {
  readonly slot: Parameter | StateBuffer;
  readonly role?: string;
}

const dtypeOf = (elemType: number) => {
  const kind = kindOfDataType(elemType);
  return kind === 'float' ? 'float32' : kind === 'bool' ? 'bool' : 'int32';
};

export class OnnxModel extends Module {
  readonly opset: number;
  readonly inputs: readonly GraphIO[];
  readonly outputs: readonly GraphIO[];
  /** ONNX initializer name -> this module's parameter or buffer name. */
  readonly weightNames: ReadonlyMap<string, string>;
  private readonly weights = new Map<string, WeightSlot>();
  private readonly constants = new Map<string, HostTensor>();
  private readonly plan: ParsedNode[] = [];

  private readonly source: ModelProto;

  constructor(graph: ParsedGraph, source: ModelProto) {
    super('OnnxModel', graph.name || 'onnx');
    this.source = source;
    this.opset = graph.opset;
    this.inputs = graph.inputs;
    this.outputs = graph.outputs;
    this.weightNames = new Map<string, string>();
    try {
      this.loadWeights(graph);
    } catch (e) {
      this.dispose(); // what was made before the failure
      throw e;
    }
    this.fold(graph);
    this.eval();
  }

  private loadWeights(graph: ParsedGraph): void {
    const names = this.weightNames as Map<string, string>;
    // How each initializer is used decides what it becomes.
    const uses = new Map<string, { host: boolean; buffer: boolean; role: string | undefined }[]>();
    for (const n of graph.nodes) {
      const roles = n.def.weightRoles?.(n.attrs) ?? {};
      n.inputs.forEach((name, i) => {
        if (!graph.initializers.has(name)) return;
        const list = uses.get(name) ?? [];
        list.push({
          host: HOST_INPUTS[n.info.opType]?.includes(i) ?? false,
          buffer: BUFFER_INPUTS[n.info.opType]?.includes(i) ?? false,
          role: roles[i],
        });
        uses.set(name, list);
      });
    }
    const taken = new Set<string>();
    const slotName = (onnxName: string) => {
      const base = onnxName.replace(/[^A-Za-z0-9_]/g, '_') || 'w';
      let name = base;
      for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
      taken.add(name);
      return name;
    };
    noGrad(() => {
      for (const [name, host] of graph.initializers) {
        const list = uses.get(name) ?? [];
        const isGraphOutput = graph.outputs.some((o) => o.name === name);
        if (host.kind !== 'float' || (list.length > 0 && list.every((u) => u.host))) {
          this.constants.set(name, host);
          continue;
        }
        if (list.length === 0 && !isGraphOutput) continue; // unused
        const roles = new Set(list.map((u) => u.role));
        const role = roles.size === 1 && !isGraphOutput ? [...roles][0] : undefined;
        const mapped = tidy(() => {
          const t = constTensor(host);
          return role ? WEIGHT_ROLES[role](t) : t;
        });
        const slot = slotName(name);
        names.set(name, slot);
        const buffer = list.length > 0 && list.every((u) => u.buffer);
        this.weights.set(name, {
          slot: buffer ? this.addBuffer(slot, mapped) : this.addParameter(slot, mapped),
          role,
        });
      }
    });
  }

  /** Folds what depends on constants only (Constant nodes, shape arithmetic on initializers). */
  private fold(graph: ParsedGraph): void {
    // Static dims of runtime values, where they follow from static graph inputs by shape-preserving ops.
    const shapes = new Map<string, number[]>();
    for (const io of graph.inputs)
      if (io.dims?.every((d) => d !== null)) shapes.set(io.name, io.dims as number[]);
    for (const n of graph.nodes) {
      const inShape = shapes.get(n.inputs[0]);
      if (inShape && n.outputs[0]) {
        if (n.info.opType === 'Transpose') {
          const perm =
            (n.attrs.perm as number[] | undefined) ?? inShape.map((_, i) => inShape.length - 1 - i);
          shapes.set(
            n.outputs[0],
            perm.map((p) => inShape[p]),
          );
        } else if (SHAPE_PRESERVING.has(n.info.opType)) {
          shapes.set(n.outputs[0], inShape);
        }
      }
      if (n.info.opType === 'Constant') {
        this.constants.set(n.outputs[0], constantValue(n.info, n.attrs));
        continue;
      }
      // A Shape of a value whose dims are static is known now (PyTorch reads the batch size so).
      const known = n.info.opType === 'Shape' ? shapes.get(n.inputs[0]) : undefined;
      if (known) {
        const dims = known;
        const r = dims.length;
        const clamp = (a: number) => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
        const start = clamp((n.attrs.start as number | undefined) ?? 0);
        const end = clamp((n.attrs.end as number | undefined) ?? r);
        this.constants.set(n.outputs[0], hostInts(dims.slice(start, end)));
        continue;
      }
      const ins = n.inputs.map((name) => (name ? this.constants.get(name) : null));
      const allConst = n.inputs.every((name, i) => !name || ins[i]);
      const folded =
        allConst && n.inputs.some((x) => x) ? evalHost(n.info, ins as (HostTensor | null)[], n.attrs) : null;
      if (folded) {
        n.outputs.forEach((name, i) => {
          if (name && folded[i]) this.constants.set(name, folded[i]);
        });
      } else {
        this.plan.push(n);
      }
    }
  }

  /**
   * The model as ONNX bytes again: the original graph with the current values of the parameters and
   * buffers (mapped back to ONNX's layouts), e.g. after fine-tuning.
   */
  async toOnnx(): Promise<Uint8Array> {
    this.assertLive();
    const graph = this.source.graph!;
    const mapped = noGrad(() =>
      tidy(() =>
        [...this.weights.entries()].map(
          ([name, w]) => [name, w.role ? UNDO_WEIGHT_ROLES[w.role](w.slot.value) : w.slot.value] as const,
        ),
      ),
    );
    try {
      const datas = await Promise.all(mapped.map(([, t]) => t.data()));
      const updated = new Map<string, TensorProto>(
        mapped.map(([name, t], i) => [
          name,
          toTensorProto(name, t.shape, datas[i] as Float32Array, DataType.FLOAT),
        ]),
      );
      const initializer = (graph.initializer ?? []).map((t) => updated.get(t.name ?? '') ?? t);
      return encodeModel({ ...this.source, graph: { ...graph, initializer } });
    } finally {
      for (const [name, t] of mapped) if (t !== this.weights.get(name)?.slot.value) dispose(t);
    }
  }

  /** The op types that run per call, in order (what load-time folding left). */
  plannedOps(): string[] {
    return this.plan.map((n) => n.info.opType);
  }

  /** ONNX input dims in Dendrite's layout (rank 4: NHWC), null for symbolic ones. */
  private dendriteDims(io: GraphIO): (number | null)[] | null {
    if (!io.dims) return null;
    const d = io.dims;
    return d.length === 4 ? [d[0], d[2], d[3], d[1]] : [...d];
  }

  outputShape(inputShape: Shape): Shape {
    const first = this.dendriteDims(this.inputs[0]);
    this.checkShape(inputShape, first, this.inputs[0]?.name ?? 'input');
    const out = this.dendriteDims(this.outputs[0]);
    const inDims = this.inputs[0]?.dims;
    if (out?.every((d, i) => d !== null || (i === 0 && inDims?.[0] === null))) {
      return out.map((d, i) => d ?? inputShape[i]) as number[];
    }
    throw new ShapeError(
      this.label,
      `output '${this.outputs[0].name}' has a symbolic shape; run forward to see it`,
    );
  }

  private checkShape(shape: Shape, dims: (number | null)[] | null, name: string): void {
    if (!dims) return;
    if (shape.length !== dims.length || dims.some((d, i) => d !== null && d !== shape[i])) {
      throw new ShapeError(
        this.label,
        `input '${name}' is [${shape.join(', ')}]; the model expects [${dims.map((d) => d ?? '?').join(', ')}]${dims.length === 4 ? ' (NHWC: ONNX NCHW transposed)' : ''}`,
      );
    }
  }

  protected override checkInput(x: Tensor): void {
    this.checkFeed(this.inputs[0], x);
  }

  private checkFeed(io: GraphIO | undefined, x: Tensor): void {
    if (!io) throw new OnnxGraphError(this.label, 'the graph has no inputs');
    const dtype = dtypeOf(io.elemType);
    if (x.dtype !== dtype)
      throw new DTypeError(this.label, `input '${io.name}' is ${x.dtype}; expected ${dtype}`);
    this.checkShape(x.shape, this.dendriteDims(io), io.name);
  }

  /** The first output for the first input (the Module API). */
  protected compute(x: Tensor): Tensor {
    if (this.inputs.length !== 1) {
      throw new OnnxGraphError(
        this.label,
        `has ${this.inputs.length} inputs (${this.inputs.map((i) => i.name).join(', ')}); use run({ … })`,
      );
    }
    return tidy(() => this.execute({ [this.inputs[0].name]: x })[this.outputs[0].name]);
  }

  /** Every graph output by name, for inputs by name (Dendrite's layout: images NHWC). */
  run(feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
    this.assertLive();
    for (const io of this.inputs) {
      const x = feeds[io.name];
      if (!x)
        throw new OnnxGraphError(
          this.label,
          `input '${io.name}' was not given (inputs: ${this.inputs.map((i) => i.name).join(', ')})`,
        );
      x.assertLive(this.label);
      this.checkFeed(io, x);
    }
    return tidy(() => this.execute(feeds));
  }

  private execute(feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
    const env = new Map<string, Value>();
    for (const [name, c] of this.constants) env.set(name, { c });
    for (const [name, w] of this.weights) env.set(name, { t: w.slot.value, nhwc: false, role: w.role });
    for (const io of this.inputs) {
      const t = feeds[io.name];
      env.set(io.name, { t, nhwc: t.rank === 4 });
    }
    for (const n of this.plan) {
      const ins = n.inputs.map((name) => (name ? (env.get(name) ?? null) : null));
      const outs = this.runNode(n, ins);
      n.outputs.forEach((name, i) => {
        if (!name) return;
        const v = outs[i];
        if (!v)
          throw new OnnxGraphError(`node '${n.info.name}' (${n.info.opType})`, `produced no output ${i}`);
        env.set(name, v);
      });
    }
    const result: Record<string, Tensor> = {};
    for (const io of this.outputs) {
      const v = env.get(io.name)!;
      result[io.name] = this.toOutput(v);
    }
    return result;
  }

  private toOutput(v: Value): Tensor {
    if (isConst(v)) {
      const t = constTensor(v.c);
      return t.rank === 4 ? channelsLast({ t, nhwc: false }) : t;
    }
    if ((v as RuntimeValue).role) return WEIGHT_ROLES[(v as RuntimeValue).role!](v.t);
    if (v.t.rank === 4 && !v.nhwc) return channelsLast(v);
    return v.t;
  }

  private runNode(n: ParsedNode, ins: (Value | null)[]): (Value | null)[] {
    if (n.info.opType === 'Shape') {
      const s = onnxShape(ins[0]!);
      const r = s.length;
      const norm = (a: number) => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
      const start = norm((n.attrs.start as number | undefined) ?? 0);
      const end = norm((n.attrs.end as number | undefined) ?? r);
      return [{ c: hostInts(s.slice(start, end)) }];
    }
    if (n.info.opType === 'Size') {
      return [{ c: hostInts([onnxShape(ins[0]!).reduce((a, b) => a * b, 1)], []) }];
    }
    // Shape arithmetic whose inputs became known at run time: still on the host.
    if (ins.every((v, i) => !n.inputs[i] || isConst(v))) {
      const host = evalHost(
        n.info,
        ins.map((v) => (v && isConst(v) ? v.c : null)),
        n.attrs,
      );
      if (host) return host.map((c) => ({ c }));
    }
    return n.def.run(n.info, ins, n.attrs, n.outputs.length);
  }
}

export { DataType };
