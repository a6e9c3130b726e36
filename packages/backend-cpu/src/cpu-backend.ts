/**
 * The pure-TypeScript CPU backend: storage is one typed array per tensor, kernels are plain loops over
 * them (see kernels/). Reads are synchronous. Every method trusts its arguments: core validated them.
 */
import {
  type ArgReduceOp,
  allocArray,
  type Backend,
  type BackendMemory,
  type BinaryOp,
  type Conv2DAttrs,
  type DataArray,
  type DataId,
  type DType,
  type FusedActivation,
  type KernelTensor,
  type OptimizerHyper,
  type OptimizerKind,
  type OutSpec,
  type Pool2DAttrs,
  type PoolOp,
  type ReduceOp,
  sizeOf,
  type UnaryOp,
} from '@dendrite/core';
import { binary, expand, where } from './kernels/binary.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './kernels/conv2d.js';
import { gather, scatterAdd } from './kernels/gather.js';
import { concat, pad, slice } from './kernels/layout.js';
import { matmul } from './kernels/matmul.js';
import { adamUpdate, sgdUpdate } from './kernels/optimizer.js';
import { avgPool2dGrad, maxPool2dGrad, pool2d } from './kernels/pool.js';
import { argReduce, reduce, sumFloat } from './kernels/reduce.js';
import { addBiasActivate, logSoftmax, softmax } from './kernels/softmax.js';
import { transpose } from './kernels/transpose.js';
import { unary } from './kernels/unary.js';

/** A block of CPU storage. */
class CpuData {
  constructor(public values: DataArray | null) {}
}

export class CpuBackend implements Backend {
  readonly name: string;
  private bytes = 0;
  private buffers = 0;

  constructor(name = 'cpu') {
    this.name = name;
  }

  // ─── storage ─────────────────────────────────────────────────────────────────────────────────────

  private store(values: DataArray): DataId {
    this.bytes += values.byteLength;
    this.buffers++;
    return new CpuData(values);
  }

  /** The typed array behind a kernel tensor (no copy). */
  private get(t: KernelTensor | DataId): DataArray {
    const d = ('id' in t ? t.id : t) as CpuData;
    if (!d.values) throw new Error(`${this.name}: storage used after it was freed`);
    return d.values;
  }

  upload(values: DataArray, _dtype: DType): DataId {
    return this.store(values.slice() as DataArray);
  }

  readSync(id: DataId, _dtype: DType, _size: number): DataArray {
    return this.get(id).slice() as DataArray;
  }

  async read(id: DataId, dtype: DType, size: number): Promise<DataArray> {
    return this.readSync(id, dtype, size);
  }

  disposeData(id: DataId): void {
    const d = id as CpuData;
    if (!d.values) return;
    this.bytes -= d.values.byteLength;
    this.buffers--;
    d.values = null;
  }

  memory(): BackendMemory {
    return { bytes: this.bytes, buffers: this.buffers };
  }

  info(): Record<string, unknown> {
    return { kind: 'cpu', threads: 1 };
  }

  private alloc(out: OutSpec): DataArray {
    return allocArray(out.dtype, sizeOf(out.shape));
  }

  // ─── required kernels ────────────────────────────────────────────────────────────────────────────

  fill(value: number, out: OutSpec): DataId {
    const v = this.alloc(out);
    v.fill(out.dtype === 'bool' ? (value ? 1 : 0) : out.dtype === 'int32' ? Math.trunc(value) : value);
    return this.store(v);
  }

  unary(op: UnaryOp, x: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    unary(op, this.get(x), v);
    return this.store(v);
  }

  binary(op: BinaryOp, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    binary(op, this.get(a), a.shape, this.get(b), b.shape, v, out.shape, a.dtype === 'int32');
    return this.store(v);
  }

  where(cond: KernelTensor, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    where(this.get(cond), cond.shape, this.get(a), a.shape, this.get(b), b.shape, v, out.shape);
    return this.store(v);
  }

  cast(x: KernelTensor, out: OutSpec): DataId {
    const src = this.get(x);
    const v = this.alloc(out);
    if (out.dtype === 'bool') for (let i = 0; i < src.length; i++) v[i] = src[i] !== 0 ? 1 : 0;
    else if (out.dtype === 'int32') for (let i = 0; i < src.length; i++) v[i] = Math.trunc(src[i]);
    else v.set(src);
    return this.store(v);
  }

  reduce(op: ReduceOp, x: KernelTensor, axes: readonly number[], out: OutSpec): DataId {
    const v = this.alloc(out);
    const src = this.get(x);
    if (op === 'sum' && src instanceof Float32Array) sumFloat(src, x.shape, axes, v as Float32Array);
    else reduce(op, src, x.shape, axes, v);
    return this.store(v);
  }

  argReduce(op: ArgReduceOp, x: KernelTensor, axis: number, out: OutSpec): DataId {
    const v = this.alloc(out) as Int32Array;
    argReduce(op, this.get(x), x.shape, axis, v);
    return this.store(v);
  }

  matmul(a: KernelTensor, b: KernelTensor, transposeA: boolean, transposeB: boolean, out: OutSpec): DataId {
    const f32 = (t: KernelTensor) => this.get(t) as Float32Array;
    return this.store(matmul(f32(a), a.shape, f32(b), b.shape, transposeA, transposeB, out.shape));
  }

  conv2d(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const f32 = (t: KernelTensor) => this.get(t) as Float32Array;
    return this.store(conv2d(f32(x), x.shape, f32(filter), filter.shape, attrs, out.shape));
  }

  conv2dBackpropInput(dy: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const f32 = (t: KernelTensor) => this.get(t) as Float32Array;
    return this.store(conv2dBackpropInput(f32(dy), dy.shape, f32(filter), filter.shape, attrs, out.shape));
  }

  conv2dBackpropFilter(x: KernelTensor, dy: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const f32 = (t: KernelTensor) => this.get(t) as Float32Array;
    return this.store(conv2dBackpropFilter(f32(x), x.shape, f32(dy), dy.shape, attrs, out.shape));
  }

  pool2d(op: PoolOp, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    return this.store(pool2d(op, this.get(x) as Float32Array, x.shape, attrs, out.shape));
  }

  maxPool2dGrad(dy: KernelTensor, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const f32 = (t: KernelTensor) => this.get(t) as Float32Array;
    return this.store(maxPool2dGrad(f32(dy), dy.shape, f32(x), x.shape, attrs, out.shape));
  }

  avgPool2dGrad(dy: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    return this.store(avgPool2dGrad(this.get(dy) as Float32Array, dy.shape, attrs, out.shape));
  }

  transpose(x: KernelTensor, perm: readonly number[], out: OutSpec): DataId {
    return this.store(transpose(this.get(x), x.shape, perm, out.shape));
  }

  slice(x: KernelTensor, begin: readonly number[], out: OutSpec): DataId {
    const v = this.alloc(out);
    slice(this.get(x), x.shape, begin, v, out.shape);
    return this.store(v);
  }

  concat(xs: readonly KernelTensor[], axis: number, out: OutSpec): DataId {
    const v = this.alloc(out);
    concat(
      xs.map((t) => ({ data: this.get(t), shape: t.shape })),
      axis,
      v,
      out.shape,
    );
    return this.store(v);
  }

  pad(x: KernelTensor, pads: readonly (readonly [number, number])[], value: number, out: OutSpec): DataId {
    const v = this.alloc(out);
    pad(this.get(x), x.shape, pads, value, v, out.shape);
    return this.store(v);
  }

  expand(x: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    expand(this.get(x), x.shape, v, out.shape);
    return this.store(v);
  }

  gather(x: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const v = this.alloc(out);
    gather(this.get(x), x.shape, this.get(indices) as Int32Array, axis, v);
    return this.store(v);
  }

  scatterAdd(updates: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const v = this.alloc(out) as Float32Array;
    scatterAdd(this.get(updates) as Float32Array, this.get(indices) as Int32Array, axis, v, out.shape);
    return this.store(v);
  }

  // ─── fused kernels (faster than core's defaults on this backend) ────────────────────────────────

  fusedMatmul(
    a: KernelTensor,
    b: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
    out: OutSpec,
  ): DataId {
    const f32 = (t: KernelTensor) => this.get(t) as Float32Array;
    const y = matmul(f32(a), a.shape, f32(b), b.shape, transposeA, transposeB, out.shape);
    addBiasActivate(y, out.shape, bias ? f32(bias) : null, bias?.shape ?? null, activation);
    return this.store(y);
  }

  softmax(x: KernelTensor, axis: number, _out: OutSpec): DataId {
    return this.store(softmax(this.get(x) as Float32Array, x.shape, axis));
  }

  logSoftmax(x: KernelTensor, axis: number, _out: OutSpec): DataId {
    return this.store(logSoftmax(this.get(x) as Float32Array, x.shape, axis));
  }

  optimizerUpdate(
    kind: OptimizerKind,
    param: KernelTensor,
    grad: KernelTensor,
    state: readonly KernelTensor[],
    hyper: OptimizerHyper,
  ): { param: DataId; state: DataId[] } {
    const f32 = (t: KernelTensor) => this.get(t) as Float32Array;
    const r =
      kind === 'sgd'
        ? sgdUpdate(f32(param), f32(grad), state.map(f32), hyper)
        : adamUpdate(f32(param), f32(grad), state.map(f32), hyper);
    return { param: this.store(r.param), state: r.state.map((s) => this.store(s)) };
  }
}

/** A new CPU backend instance (the factory to register). */
export function createCpuBackend(name = 'cpu'): CpuBackend {
  return new CpuBackend(name);
}
