/**
 * The pure-TypeScript CPU backend: storage is one typed array per tensor, and every kernel is a call into
 * core's kernel kit (`@dendrite/core/kit`: the geometry and the typed-array reference loops). Reads are
 * synchronous. Every method trusts its arguments: core validated them; storage used after it was freed
 * is refused with a BackendError.
 *
 * Large matmuls and convolutions are split between threads where the build can start workers (see
 * threads/): the kernel blocks until the workers are done, so it stays synchronous.
 */
import {
  type ArgReduceOp,
  ArgumentError,
  allocArray,
  type Backend,
  BackendError,
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
import * as kit from '@dendrite/core/kit';
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
    if (!d.values) throw new BackendError(this.name, 'storage used after it was freed');
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
    v.fill(kit.elementOf(value, out.dtype));
    return this.store(v);
  }

  unary(op: UnaryOp, x: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.unary(op, this.get(x), v);
    return this.store(v);
  }

  binary(op: BinaryOp, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.binary(op, this.get(a), a.shape, this.get(b), b.shape, v, out.shape);
    return this.store(v);
  }

  where(cond: KernelTensor, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.where(this.get(cond), cond.shape, this.get(a), a.shape, this.get(b), b.shape, v, out.shape);
    return this.store(v);
  }

  cast(x: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.cast(this.get(x), v, out.dtype);
    return this.store(v);
  }

  reduce(op: ReduceOp, x: KernelTensor, axes: readonly number[], out: OutSpec): DataId {
    const v = this.alloc(out);
    const layout = kit.reductionLayout(x.shape, axes);
    let src = this.get(x);
    if (layout.perm) {
      const moved = allocArray(x.dtype, src.length);
      kit.transpose(src, x.shape, layout.perm, moved);
      src = moved;
    }
    kit.reduce(op, src, layout.outer, layout.reduced, layout.inner, v);
    return this.store(v);
  }

  argReduce(op: ArgReduceOp, x: KernelTensor, axis: number, out: OutSpec): DataId {
    const v = this.alloc(out) as Int32Array;
    const [outer, n, inner] = kit.splitAt(x.shape, axis);
    kit.argReduce(op, this.get(x), outer, n, inner, v);
    return this.store(v);
  }

  matmul(a: KernelTensor, b: KernelTensor, transposeA: boolean, transposeB: boolean, out: OutSpec): DataId {
    return this.store(this.product(a, b, transposeA, transposeB, out));
  }

  /** a @ b, split between threads when large enough. */
  private product(a: KernelTensor, b: KernelTensor, ta: boolean, tb: boolean, out: OutSpec): Float32Array {
    const [av, bv] = [this.f32(a), this.f32(b)];
    const threaded = this.parallel?.matmul(av, a.shape, bv, b.shape, ta, tb, out.shape);
    if (threaded) return threaded;
    const y = new Float32Array(sizeOf(out.shape));
    kit.matmul(av, a.shape, bv, b.shape, ta, tb, out.shape, y);
    return y;
  }

  conv2d(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    return this.store(this.convolve(x, filter, attrs, out));
  }

  /** conv2d, split between threads when large enough. */
  private convolve(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): Float32Array {
    const [xv, fv] = [this.f32(x), this.f32(filter)];
    const g = kit.convGeometry(x.shape, filter.shape, attrs);
    const threaded = this.parallel?.conv2d(xv, fv, g);
    if (threaded) return threaded;
    const y = new Float32Array(sizeOf(out.shape));
    kit.conv2d(xv, fv, g, y);
    return y;
  }

  conv2dBackpropInput(dy: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const [dyv, fv] = [this.f32(dy), this.f32(filter)];
    const g = kit.convGeometry(out.shape, filter.shape, attrs);
    const threaded = this.parallel?.conv2dBackpropInput(dyv, fv, g);
    if (threaded) return this.store(threaded);
    const dx = new Float32Array(sizeOf(out.shape));
    kit.conv2dBackpropInput(dyv, fv, g, dx);
    return this.store(dx);
  }

  conv2dBackpropFilter(x: KernelTensor, dy: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const [xv, dyv] = [this.f32(x), this.f32(dy)];
    const g = kit.convGeometry(x.shape, out.shape, attrs);
    const threaded = this.parallel?.conv2dBackpropFilter(xv, dyv, g);
    if (threaded) return this.store(threaded);
    const dw = new Float32Array(sizeOf(out.shape));
    kit.conv2dBackpropFilter(xv, dyv, g, dw);
    return this.store(dw);
  }

  pool2d(op: PoolOp, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const y = new Float32Array(sizeOf(out.shape));
    kit.pool2d(op, this.f32(x), kit.poolGeometry(x.shape, attrs), y);
    return this.store(y);
  }

  maxPool2dGrad(dy: KernelTensor, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const dx = new Float32Array(sizeOf(out.shape));
    kit.maxPool2dGrad(this.f32(dy), this.f32(x), kit.poolGeometry(x.shape, attrs), dx);
    return this.store(dx);
  }

  avgPool2dGrad(dy: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const dx = new Float32Array(sizeOf(out.shape));
    kit.avgPool2dGrad(this.f32(dy), kit.poolGeometry(out.shape, attrs), dx);
    return this.store(dx);
  }

  transpose(x: KernelTensor, perm: readonly number[], out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.transpose(this.get(x), x.shape, perm, v);
    return this.store(v);
  }

  slice(x: KernelTensor, begin: readonly number[], out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.slice(this.get(x), x.shape, begin, v, out.shape);
    return this.store(v);
  }

  concat(xs: readonly KernelTensor[], axis: number, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.concat(
      xs.map((t) => ({ data: this.get(t), shape: t.shape })),
      axis,
      v,
      out.shape,
    );
    return this.store(v);
  }

  pad(x: KernelTensor, pads: readonly (readonly [number, number])[], value: number, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.pad(this.get(x), x.shape, pads, kit.elementOf(value, out.dtype), v, out.shape);
    return this.store(v);
  }

  expand(x: KernelTensor, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.expand(this.get(x), x.shape, v, out.shape);
    return this.store(v);
  }

  gather(x: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const v = this.alloc(out);
    const [outer, n, inner] = kit.splitAt(x.shape, axis);
    kit.gather(this.get(x), outer, n, inner, this.get(indices) as Int32Array, v);
    return this.store(v);
  }

  scatterAdd(updates: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const v = this.alloc(out) as Float32Array;
    const [outer, n, inner] = kit.splitAt(out.shape, axis);
    kit.scatterAdd(this.f32(updates), outer, n, inner, this.get(indices) as Int32Array, v);
    return this.store(v);
  }

  // ─── fused kernels (faster than core's defaults on this backend) ────────────────────────────────

  binaryScalar(op: BinaryOp, a: KernelTensor, value: number, scalarFirst: boolean, out: OutSpec): DataId {
    const v = this.alloc(out);
    kit.binaryScalar(op, this.get(a), value, scalarFirst, v);
    return this.store(v);
  }

  fusedMatmul(
    a: KernelTensor,
    b: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
    out: OutSpec,
  ): DataId {
    const y = this.product(a, b, transposeA, transposeB, out);
    if (bias) kit.addBias(y, out.shape, this.f32(bias), bias.shape);
    kit.activate(y, activation);
    return this.store(y);
  }

  fusedConv2d(
    x: KernelTensor,
    filter: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    attrs: Conv2DAttrs,
    out: OutSpec,
  ): DataId {
    const y = this.convolve(x, filter, attrs, out);
    if (bias) kit.addBias(y, out.shape, this.f32(bias), bias.shape);
    kit.activate(y, activation);
    return this.store(y);
  }

  softmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    return this.softmaxLike(x, axis, out, false);
  }

  logSoftmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    return this.softmaxLike(x, axis, out, true);
  }

  private softmaxLike(x: KernelTensor, axis: number, out: OutSpec, log: boolean): DataId {
    const y = new Float32Array(sizeOf(out.shape));
    const [outer, n, inner] = kit.splitAt(x.shape, axis);
    kit.softmax(this.f32(x), outer, n, inner, y, log);
    return this.store(y);
  }

  batchNormApply(
    x: KernelTensor,
    mean: KernelTensor,
    variance: KernelTensor,
    gamma: KernelTensor,
    beta: KernelTensor,
    eps: number,
    out: OutSpec,
  ): DataId {
    const y = new Float32Array(sizeOf(out.shape));
    const [m, v, g, b] = [mean, variance, gamma, beta].map((t) => this.f32(t));
    kit.batchNorm(this.f32(x), m, v, g, b, eps, y);
    return this.store(y);
  }

  softmaxCrossEntropy(logits: KernelTensor, target: KernelTensor, out: OutSpec): DataId {
    const y = new Float32Array(sizeOf(out.shape));
    const [rows, classes] = logits.shape;
    kit.softmaxCrossEntropy(this.f32(logits), this.f32(target), rows, classes, y);
    return this.store(y);
  }

  batchNormTrainingGrad(
    dy: KernelTensor,
    x: KernelTensor,
    mean: KernelTensor,
    variance: KernelTensor,
    gamma: KernelTensor,
    eps: number,
  ): DataId[] {
    const c = mean.shape[0];
    const [dx, dgamma, dbeta] = [sizeOf(x.shape), c, c].map((n) => new Float32Array(n));
    const [dv, xv, mv, vv, gv] = [dy, x, mean, variance, gamma].map((t) => this.f32(t));
    kit.batchNormTrainingGrad(dv, xv, mv, vv, gv, eps, dx, dgamma, dbeta);
    return [dx, dgamma, dbeta].map((g) => this.store(g));
  }

  fusedActivationGrad(dy: KernelTensor, y: KernelTensor, activation: FusedActivation, out: OutSpec): DataId {
    const dz = new Float32Array(sizeOf(out.shape));
    kit.activationGrad(this.f32(dy), this.f32(y), activation, dz);
    return this.store(dz);
  }

  lstmCell(gates: KernelTensor, c: KernelTensor, out: OutSpec): DataId {
    const y = new Float32Array(sizeOf(out.shape));
    const [batch, hidden] = c.shape;
    kit.lstmCell(this.f32(gates), this.f32(c), batch, hidden, y);
    return this.store(y);
  }

  lstmSequence(
    x: KernelTensor,
    kernel: KernelTensor,
    recurrentKernel: KernelTensor,
    bias: KernelTensor,
    h0: KernelTensor,
    c0: KernelTensor,
    out: OutSpec,
  ): DataId {
    const [batch, steps, features] = x.shape;
    const dims = { batch, steps, features, hidden: h0.shape[1] };
    const y = new Float32Array(sizeOf(out.shape));
    const scratch = new Float32Array(kit.lstmForwardScratch(dims));
    const [xv, kv, uv, bv, hv, cv] = [x, kernel, recurrentKernel, bias, h0, c0].map((t) => this.f32(t));
    kit.lstmSequenceForward(xv, kv, uv, bv, hv, cv, dims, y, scratch, kit.kitLstmGemm);
    return this.store(y);
  }

  lstmSequenceGrad(
    dTrajectory: KernelTensor,
    x: KernelTensor,
    kernel: KernelTensor,
    recurrentKernel: KernelTensor,
    trajectory: KernelTensor,
    h0: KernelTensor,
    c0: KernelTensor,
  ): DataId[] {
    const [batch, steps, features] = x.shape;
    const hidden = h0.shape[1];
    const dims = { batch, steps, features, hidden };
    const grads = {
      dx: new Float32Array(batch * steps * features),
      dKernel: new Float32Array(features * 4 * hidden),
      dRecurrent: new Float32Array(hidden * 4 * hidden),
      dBias: new Float32Array(4 * hidden),
      dh0: new Float32Array(batch * hidden),
      dc0: new Float32Array(batch * hidden),
    };
    const scratch = new Float32Array(kit.lstmBackwardScratch(dims));
    const [dv, xv, kv, uv, tv, hv, cv] = [dTrajectory, x, kernel, recurrentKernel, trajectory, h0, c0].map(
      (t) => this.f32(t),
    );
    kit.lstmSequenceBackward(dv, xv, kv, uv, tv, hv, cv, dims, grads, scratch, kit.kitLstmGemm);
    return [grads.dx, grads.dKernel, grads.dRecurrent, grads.dBias, grads.dh0, grads.dc0].map((g) =>
      this.store(g),
    );
  }

  optimizerUpdate(
    kind: OptimizerKind,
    param: KernelTensor,
    grad: KernelTensor,
    state: readonly KernelTensor[],
    hyper: OptimizerHyper,
  ): { param: DataId; state: DataId[] } {
    const n = sizeOf(param.shape);
    const p = new Float32Array(n);
    const outs = Array.from({ length: kit.optimizerStateCount(kind, hyper) }, () => new Float32Array(n));
    const [pv, gv, sv] = [this.f32(param), this.f32(grad), state.map((s) => this.f32(s))];
    if (kind === 'sgd') kit.sgdUpdate(pv, gv, sv[0] ?? null, hyper, p, outs[0] ?? null);
    else kit.adamUpdate(pv, gv, sv, hyper, p, outs);
    return { param: this.store(p), state: outs.map((s) => this.store(s)) };
  }

  private f32(t: KernelTensor): Float32Array {
    return this.get(t) as Float32Array;
  }
}
