/**
 * The pure-TypeScript CPU backend: storage is one typed array per tensor, kernels are plain loops over
 * them (see kernels/). Reads are synchronous. Every method trusts its arguments: core validated them.
 *
 * Large matmuls and convolutions are split between threads where the build can start workers (see
 * threads/): the kernel blocks until the workers are done, so it stays synchronous.
 */
import {
  type ArgReduceOp,
  ArgumentError,
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
import { ParallelKernels } from './threads/parallel-kernels.js';
import { MAX_WORKERS } from './threads/protocol.js';
import { ThreadPool } from './threads/thread-pool.js';
import { singleThreaded, type ThreadSupport } from './threads/thread-support.js';

/** The calling thread and at most MAX_WORKERS workers. */
const MAX_THREADS = MAX_WORKERS + 1;

export interface CpuBackendOptions {
  /** The name the backend reports (default 'cpu'). */
  readonly name?: string;
  /**
   * Threads that share large matmuls and convolutions, the calling one included. Default: the machine's
   * cores (`os.availableParallelism()`) under Node, 1 elsewhere. 1 starts no workers.
   */
  readonly threads?: number;
}

/** A block of CPU storage. */
class CpuData {
  constructor(public values: DataArray | null) {}
}

export class CpuBackend implements Backend {
  readonly name: string;
  private bytes = 0;
  private buffers = 0;
  /** Threads in use for large products (1: everything on the calling thread). */
  private threads: number;
  /** Why `threads` is fewer than asked for, if it is. */
  private reason: string | null = null;
  private readonly support: ThreadSupport;
  /** Started by the first op large enough to split. */
  private pool: ThreadPool | null = null;
  private readonly parallel: ParallelKernels | null;
  private disposed = false;

  /** `support` says what the build can do about threads; the default build's runs on one. */
  constructor(options: string | CpuBackendOptions = {}, support: ThreadSupport = singleThreaded) {
    const { name = 'cpu', threads } = typeof options === 'string' ? { name: options } : options;
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
      throw new ArgumentError(
        'createCpuBackend',
        `threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`,
      );
    }
    this.name = name;
    this.support = support;
    this.threads = threads ?? Math.min(support.defaultThreads(), MAX_THREADS);
    const unavailable = this.threads > 1 ? support.unavailable() : null;
    if (unavailable !== null) this.singleThreaded(unavailable);
    this.parallel =
      this.threads > 1
        ? new ParallelKernels(this.threads, () => this.acquirePool(), support.minParallelMacs)
        : null;
  }

  /** The pool, started on first use; null once threads are off (failure, dispose). */
  private acquirePool(): ThreadPool | null {
    if (this.disposed || this.threads === 1) return null;
    if (this.pool?.failure) {
      this.singleThreaded(this.pool.failure);
      return null;
    }
    if (!this.pool) {
      if (!this.support.spawn) {
        this.singleThreaded('this build cannot start workers');
        return null;
      }
      try {
        this.pool = new ThreadPool(this.threads - 1, this.support.spawn);
      } catch (e) {
        this.singleThreaded(`could not start worker threads: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return this.pool;
  }

  private singleThreaded(reason: string): void {
    this.pool?.terminate();
    this.pool = null;
    this.threads = 1;
    this.reason = reason;
  }

  /** Stops the worker threads (the storage itself is garbage collected). */
  dispose(): void {
    this.disposed = true;
    this.pool?.terminate();
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

  /**
   * `threads` in use for large matmuls and convolutions, `reason` when fewer than asked for, and once
   * workers have been started: how many run, the jobs split so far, the tasks workers took and the size of
   * the shared arena.
   */
  info(): Record<string, unknown> {
    if (this.pool?.failure) this.singleThreaded(this.pool.failure);
    return {
      kind: 'cpu',
      threads: this.threads,
      ...(this.reason !== null && { reason: this.reason }),
      ...this.pool?.stats(),
    };
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
    return this.store(this.product(a, b, transposeA, transposeB, out));
  }

  /** a @ b, split between threads when large enough. */
  private product(a: KernelTensor, b: KernelTensor, ta: boolean, tb: boolean, out: OutSpec): Float32Array {
    const [av, bv] = [this.get(a) as Float32Array, this.get(b) as Float32Array];
    return (
      this.parallel?.matmul(av, a.shape, bv, b.shape, ta, tb, out.shape) ??
      matmul(av, a.shape, bv, b.shape, ta, tb, out.shape)
    );
  }

  conv2d(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const [xv, fv] = [this.get(x) as Float32Array, this.get(filter) as Float32Array];
    return this.store(
      this.parallel?.conv2d(xv, x.shape, fv, filter.shape, attrs, out.shape) ??
        conv2d(xv, x.shape, fv, filter.shape, attrs, out.shape),
    );
  }

  conv2dBackpropInput(dy: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const [dyv, fv] = [this.get(dy) as Float32Array, this.get(filter) as Float32Array];
    return this.store(
      this.parallel?.conv2dBackpropInput(dyv, dy.shape, fv, filter.shape, attrs, out.shape) ??
        conv2dBackpropInput(dyv, dy.shape, fv, filter.shape, attrs, out.shape),
    );
  }

  conv2dBackpropFilter(x: KernelTensor, dy: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const [xv, dyv] = [this.get(x) as Float32Array, this.get(dy) as Float32Array];
    return this.store(
      this.parallel?.conv2dBackpropFilter(xv, x.shape, dyv, dy.shape, attrs, out.shape) ??
        conv2dBackpropFilter(xv, x.shape, dyv, dy.shape, attrs, out.shape),
    );
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
    const y = this.product(a, b, transposeA, transposeB, out);
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
