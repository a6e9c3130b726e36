/**
 * The WebGPU backend: storage is one pooled GPU buffer per tensor (bool as u32), kernels are WGSL
 * programs (kernels/) dispatched into batched command encoders (runtime/command-queue.ts); `read` is the
 * only way back, through a staging buffer after a flush. There is no `readSync`: `dataSync()` gives
 * core's error for asynchronous backends.
 *
 * Ordering: every dispatch and copy is recorded in call order on one queue; `queue.writeBuffer` (uploads)
 * runs before the open batch is submitted, which is safe because the pool only hands out buffers released
 * before the last submit (a buffer freed while queued work still reads it waits for the next submit).
 */
import {
  type ArgReduceOp,
  type Backend,
  BackendError,
  type BackendMemory,
  type BinaryOp,
  type Conv2DAttrs,
  type DataArray,
  type DataId,
  DisposedError,
  type DType,
  type FusedActivation,
  type KernelTensor,
  type OptimizerHyper,
  type OptimizerKind,
  type OutSpec,
  type Pool2DAttrs,
  type PoolOp,
  type ReduceOp,
  type Shape,
  sizeOf,
  type UnaryOp,
} from '@dendrite/core';
import { broadcastStrides, offsetOf, permutedStrides, stridesOf } from '@dendrite/core/kit';
import { GpuBufferLimitError, GpuDeviceLostError, GpuOutOfMemoryError } from './errors.js';
import { conv2dGradientProgram, conv2dProgram } from './kernels/conv2d.js';
import {
  binaryProgram,
  binaryScalarProgram,
  castProgram,
  copyProgram,
  fillProgram,
  unaryProgram,
  whereProgram,
} from './kernels/elementwise.js';
import {
  batchNormProgram,
  lstmCellProgram,
  optimizerProgram,
  softmaxCrossEntropyProgram,
  softmaxProgram,
} from './kernels/fused.js';
import { checkIndicesProgram, gatherProgram, scatterAddProgram } from './kernels/gather.js';
import { matmulProgram } from './kernels/matmul.js';
import { padProgram } from './kernels/pad.js';
import { pool2dProgram, poolGradProgram } from './kernels/pool.js';
import { argReduceProgram, reduceProgram } from './kernels/reduce.js';
import { BufferPool, sizeClass } from './runtime/buffer-pool.js';
import { CommandQueue } from './runtime/command-queue.js';
import { PipelineCache } from './runtime/pipeline-cache.js';
import type { Program } from './runtime/program.js';

const MAP_READ = 0x1;
const COPY_DST = 0x8;

export interface WebGPUBackendOptions {
  /** The name it registers under (default 'webgpu'). */
  readonly name?: string;
  /** Bytes of idle buffers the pool keeps for reuse (default 256 MiB); beyond that they are destroyed. */
  readonly poolBytes?: number;
  /** Dispatches per submitted command buffer (default 64). */
  readonly dispatchesPerSubmit?: number;
}

/** A block of GPU storage: the buffer (null once freed), its logical bytes and the tensor's shape. */
class GpuData {
  constructor(
    public buffer: GPUBuffer | null,
    readonly bytes: number,
  ) {}
}

export class WebGPUBackend implements Backend {
  readonly name: string;
  private readonly pool: BufferPool;
  private readonly pipelines: PipelineCache;
  private readonly queue: CommandQueue;
  private readonly staging = new Map<number, GPUBuffer[]>();
  private readonly maxBinding: number;
  private lost: string | null = null;
  /** Index checks since the last read: what each slot of the fault word stands for. */
  private indexChecks: { op: string; n: number }[] = [];
  private readonly faults: GPUBuffer;
  private disposed = false;

  constructor(
    readonly device: GPUDevice,
    private readonly adapterInfo: Record<string, unknown>,
    options: WebGPUBackendOptions = {},
    /** Kept reachable for the device's lifetime (Dawn's `create()` result crashes the process if collected). */
    readonly keepAlive?: unknown,
  ) {
    this.name = options.name ?? 'webgpu';
    this.maxBinding = device.limits.maxStorageBufferBindingSize;
    this.pool = new BufferPool(device, options.poolBytes ?? 256 * 2 ** 20);
    this.pipelines = new PipelineCache(device);
    this.queue = new CommandQueue(device, this.pipelines, this.pool, options.dispatchesPerSubmit ?? 64);
    this.faults = device.createBuffer({ size: 16, usage: 0x80 | 0x04 | 0x08, label: 'index faults' });
    device.queue.writeBuffer(this.faults, 0, new Uint32Array([0xffffffff, 0, 0, 0]));
    void device.lost.then((info) => {
      if (!this.disposed) this.lost = `${info.reason}: ${info.message}`;
    });
  }

  // ─── storage ─────────────────────────────────────────────────────────────────────────────────────

  private check(op: string): void {
    if (this.lost !== null) {
      throw new GpuDeviceLostError(
        op,
        `the WebGPU device was lost (${this.lost}); its tensors are gone. Register and set the backend again to get a new device`,
      );
    }
    if (this.disposed) throw new GpuDeviceLostError(op, `backend '${this.name}' was disposed`);
  }

  /** Storage for `size` elements of `dtype` (4 bytes each on the GPU), refused over the binding limit. */
  private allocate(op: string, shape: Shape, dtype: DType): GpuData {
    this.check(op);
    const bytes = sizeOf(shape) * 4;
    if (bytes > this.maxBinding) {
      throw new GpuBufferLimitError(
        op,
        `a ${dtype} tensor of shape [${shape.join(', ')}] needs ${bytes} bytes on the GPU, over this device's maxStorageBufferBindingSize of ${this.maxBinding} bytes; split it (smaller batch) or use another backend`,
      );
    }
    this.queue.open(); // buffers are created inside the batch's error scopes
    return new GpuData(this.pool.acquire(Math.max(bytes, 4)), bytes);
  }

  private buf(t: KernelTensor | DataId, op = 'read'): GPUBuffer {
    const d = ('id' in t ? t.id : t) as GpuData;
    if (!d.buffer) throw new DisposedError(op, `a tensor's ${this.name} storage was used after it was freed`);
    return d.buffer;
  }

  upload(values: DataArray, dtype: DType): DataId {
    const d = this.allocate('upload', [values.length], dtype);
    if (values.length > 0) {
      const words = values instanceof Uint8Array ? Uint32Array.from(values) : values;
      this.device.queue.writeBuffer(d.buffer!, 0, words.buffer, words.byteOffset, words.byteLength);
    }
    return d;
  }

  async read(id: DataId, dtype: DType, size: number): Promise<DataArray> {
    this.check('read');
    const bytes = size * 4;
    let data: ArrayBuffer | null = null;
    const checks = this.indexChecks;
    let faultStaging: GPUBuffer | null = null;
    if (checks.length > 0) {
      this.indexChecks = [];
      faultStaging = this.acquireStaging(4);
      this.queue.copy(this.faults, faultStaging, 4);
    }
    if (size > 0) {
      const staging = this.acquireStaging(bytes);
      this.queue.copy(this.buf(id), staging, bytes);
      this.queue.flush();
      try {
        await staging.mapAsync(MAP_READ, 0, bytes);
        data = staging.getMappedRange(0, bytes).slice(0);
        staging.unmap();
        this.releaseStaging(staging);
      } catch (e) {
        staging.destroy();
        await this.raiseQueued('read');
        this.check('read');
        throw new GpuDeviceLostError(
          'read',
          `reading a ${dtype} tensor back failed: ${(e as Error).message}`,
        );
      }
    } else {
      this.queue.flush();
    }
    if (faultStaging) {
      this.device.queue.writeBuffer(this.faults, 0, new Uint32Array([0xffffffff]));
      await faultStaging.mapAsync(MAP_READ, 0, 4);
      const word = new Uint32Array(faultStaging.getMappedRange(0, 4).slice(0))[0];
      faultStaging.unmap();
      this.releaseStaging(faultStaging);
      if (word !== 0xffffffff) {
        const { op, n } = checks[word >>> 20];
        throw new BackendError(
          op,
          `an index is out of range for an axis of size ${n} (at position ${word & 0xfffff} of the indices)`,
        );
      }
    }
    await this.raiseQueued('read');
    if (dtype === 'float32') return data ? new Float32Array(data) : new Float32Array(0);
    if (dtype === 'int32') return data ? new Int32Array(data) : new Int32Array(0);
    return data ? Uint8Array.from(new Uint32Array(data)) : new Uint8Array(0);
  }

  /** Throws the first error the submitted batches reported (rule 6 of the contract). */
  private async raiseQueued(op: string): Promise<void> {
    const error = await this.queue.takeErrors();
    if (!error) return;
    const live = `${this.pool.liveBytes} bytes in ${this.pool.liveBuffers} buffers live`;
    if (error.constructor?.name === 'GPUOutOfMemoryError' || /out of memory/i.test(error.message)) {
      throw new GpuOutOfMemoryError(
        op,
        `the GPU ran out of memory running queued kernels (${live}): ${error.message}`,
      );
    }
    throw new GpuDeviceLostError(op, `a queued WebGPU command failed (${live}): ${error.message}`);
  }

  private acquireStaging(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const b = this.staging.get(size)?.pop();
    return b ?? this.device.createBuffer({ size, usage: MAP_READ | COPY_DST, label: 'staging' });
  }

  private releaseStaging(b: GPUBuffer): void {
    const list = this.staging.get(b.size) ?? [];
    if (list.length >= 4) b.destroy();
    else {
      list.push(b);
      this.staging.set(b.size, list);
    }
  }

  disposeData(id: DataId): void {
    const d = id as GpuData;
    if (!d.buffer) return;
    this.pool.release(d.buffer);
    d.buffer = null;
    // With no batch open, no unsubmitted command can reference it: reusable at once.
    if (!this.queue.isOpen) this.pool.recycle();
  }

  memory(): BackendMemory {
    return { bytes: this.pool.liveBytes, buffers: this.pool.liveBuffers };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.flush();
    this.pool.destroy();
    for (const l of this.staging.values()) for (const b of l) b.destroy();
    this.queue.destroy();
    this.faults.destroy();
    this.device.destroy();
  }

  info(): Record<string, unknown> {
    return {
      kind: 'webgpu',
      ...this.adapterInfo,
      maxStorageBufferBindingSize: this.maxBinding,
      pipelines: this.pipelines.size,
      ...this.queue.stats,
      ...this.pool.stats(),
    };
  }

  /**
   * Runs the program `make` builds, writing a fresh output. The output is allocated first (so a size
   * over the binding limit is refused before any kernel is built); a zero-sized one needs no program.
   */
  private run(make: () => Program, inputs: readonly KernelTensor[], out: OutSpec, op: string): DataId {
    const y = this.allocate(op, out.shape, out.dtype);
    if (sizeOf(out.shape) > 0)
      this.queue.dispatch(
        make(),
        inputs.map((t) => this.buf(t, op)),
        [y.buffer!],
      );
    return y;
  }

  // ─── required kernels ────────────────────────────────────────────────────────────────────────────

  fill(value: number, out: OutSpec): DataId {
    return this.run(() => fillProgram(out.dtype, value, sizeOf(out.shape)), [], out, 'fill');
  }

  unary(op: UnaryOp, x: KernelTensor, out: OutSpec): DataId {
    return this.run(() => unaryProgram(op, x.dtype, sizeOf(out.shape)), [x], out, op);
  }

  binary(op: BinaryOp, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const p = () => binaryProgram(op, a.shape, b.shape, a.dtype, out.shape, sizeOf(out.shape));
    return this.run(p, [a, b], out, op);
  }

  binaryScalar(op: BinaryOp, a: KernelTensor, value: number, scalarFirst: boolean, out: OutSpec): DataId {
    const p = () => binaryScalarProgram(op, a.dtype, value, scalarFirst, sizeOf(out.shape));
    return this.run(p, [a], out, op);
  }

  where(cond: KernelTensor, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const p = () => whereProgram(cond.shape, a.shape, b.shape, a.dtype, out.shape, sizeOf(out.shape));
    return this.run(p, [cond, a, b], out, 'where');
  }

  cast(x: KernelTensor, out: OutSpec): DataId {
    return this.run(() => castProgram(x.dtype, out.dtype, sizeOf(out.shape)), [x], out, 'cast');
  }

  reduce(op: ReduceOp, x: KernelTensor, axes: readonly number[], out: OutSpec): DataId {
    if (axes.length === 0 || x.shape.length === 0) return this.cast(x, out);
    return this.run(() => reduceProgram(op, x.shape, axes, x.dtype), [x], out, op);
  }

  argReduce(op: ArgReduceOp, x: KernelTensor, axis: number, out: OutSpec): DataId {
    if (x.shape.length === 0) return this.fill(0, out);
    return this.run(() => argReduceProgram(op, x.shape, axis, x.dtype), [x], out, op);
  }

  matmul(a: KernelTensor, b: KernelTensor, transposeA: boolean, transposeB: boolean, out: OutSpec): DataId {
    return this.product(a, b, null, 'linear', transposeA, transposeB, out);
  }

  conv2d(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    return this.convolve(x, filter, null, 'linear', attrs, out);
  }

  conv2dBackpropInput(dy: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    if (sizeOf(dy.shape) === 0 || sizeOf(filter.shape) === 0) return this.fill(0, out);
    const p = () => conv2dGradientProgram('input', out.shape, filter.shape, attrs);
    return this.run(p, [dy, filter], out, 'conv2dBackpropInput');
  }

  conv2dBackpropFilter(x: KernelTensor, dy: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    if (sizeOf(dy.shape) === 0 || sizeOf(x.shape) === 0) return this.fill(0, out);
    const p = () => conv2dGradientProgram('filter', x.shape, out.shape, attrs);
    return this.run(p, [x, dy], out, 'conv2dBackpropFilter');
  }

  pool2d(op: PoolOp, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    return this.run(() => pool2dProgram(op, x.shape, attrs, out.shape), [x], out, `${op}Pool2d`);
  }

  maxPool2dGrad(dy: KernelTensor, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    return this.run(() => poolGradProgram('max', dy.shape, attrs, out.shape), [dy, x], out, 'maxPool2dGrad');
  }

  avgPool2dGrad(dy: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    return this.run(() => poolGradProgram('avg', dy.shape, attrs, out.shape), [dy], out, 'avgPool2dGrad');
  }

  transpose(x: KernelTensor, perm: readonly number[], out: OutSpec): DataId {
    const p = () =>
      copyProgram(x.dtype, out.shape, permutedStrides(x.shape, perm), stridesOf(out.shape), 0, 0);
    return this.run(p, [x], out, 'transpose');
  }

  slice(x: KernelTensor, begin: readonly number[], out: OutSpec): DataId {
    const xs = stridesOf(x.shape);
    return this.run(
      () => copyProgram(x.dtype, out.shape, xs, stridesOf(out.shape), offsetOf(begin, xs), 0),
      [x],
      out,
      'slice',
    );
  }

  concat(xs: readonly KernelTensor[], axis: number, out: OutSpec): DataId {
    const y = this.allocate('concat', out.shape, out.dtype);
    const os = stridesOf(out.shape);
    let at = 0;
    for (const x of xs) {
      if (sizeOf(x.shape) > 0) {
        const p = copyProgram(x.dtype, x.shape, stridesOf(x.shape), os, 0, at * os[axis]);
        this.queue.dispatch(p, [this.buf(x, 'concat')], [y.buffer!]);
      }
      at += x.shape[axis];
    }
    return y;
  }

  pad(x: KernelTensor, pads: readonly (readonly [number, number])[], value: number, out: OutSpec): DataId {
    // An empty input leaves nothing but padding.
    if (sizeOf(x.shape) === 0) return this.fill(value, out);
    return this.run(() => padProgram(x.shape, pads, value, x.dtype, sizeOf(out.shape)), [x], out, 'pad');
  }

  expand(x: KernelTensor, out: OutSpec): DataId {
    const p = () =>
      copyProgram(x.dtype, out.shape, broadcastStrides(x.shape, out.shape), stridesOf(out.shape), 0, 0);
    return this.run(p, [x], out, 'expand');
  }

  /** Queues the index check of `op` (reported by the next read). */
  private checkIndices(op: string, indices: KernelTensor, n: number): void {
    const count = sizeOf(indices.shape);
    if (count === 0) return;
    // One slot per distinct (op, axis size): few slots, far from the 12 bits they have.
    let slot = this.indexChecks.findIndex((c) => c.op === op && c.n === n);
    if (slot < 0) slot = this.indexChecks.push({ op, n }) - 1;
    this.queue.dispatch(checkIndicesProgram(count, n, slot), [this.buf(indices, op)], [this.faults]);
  }

  gather(x: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    this.checkIndices('gather', indices, x.shape[axis]);
    const p = () => gatherProgram(x.shape, x.dtype, axis, sizeOf(indices.shape), sizeOf(out.shape));
    return this.run(p, [x, indices], out, 'gather');
  }

  scatterAdd(updates: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    this.checkIndices('scatterAdd', indices, out.shape[axis]);
    const p = () => scatterAddProgram(out.shape, axis, sizeOf(indices.shape), sizeOf(out.shape));
    return this.run(p, [updates, indices], out, 'scatterAdd');
  }

  // ─── fused kernels ───────────────────────────────────────────────────────────────────────────────

  fusedMatmul(
    a: KernelTensor,
    b: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
    out: OutSpec,
  ): DataId {
    return this.product(a, b, bias, activation, transposeA, transposeB, out);
  }

  fusedConv2d(
    x: KernelTensor,
    filter: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    attrs: Conv2DAttrs,
    out: OutSpec,
  ): DataId {
    return this.convolve(x, filter, bias, activation, attrs, out);
  }

  // Private so that matmul and conv2d work when the suite hides the optional kernels.
  private product(
    a: KernelTensor,
    b: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
    out: OutSpec,
  ): DataId {
    const p = () =>
      matmulProgram(a.shape, b.shape, transposeA, transposeB, out.shape, bias?.shape ?? null, activation);
    return this.run(p, bias ? [a, b, bias] : [a, b], out, 'matmul');
  }

  private convolve(
    x: KernelTensor,
    filter: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    attrs: Conv2DAttrs,
    out: OutSpec,
  ): DataId {
    if (sizeOf(out.shape) > 0 && (sizeOf(x.shape) === 0 || sizeOf(filter.shape) === 0)) {
      return this.emptyConv(bias, activation, out);
    }
    const p = () => conv2dProgram(x.shape, filter.shape, attrs, out.shape, bias !== null, activation);
    return this.run(p, bias ? [x, filter, bias] : [x, filter], out, 'conv2d');
  }

  /** A convolution over zero input channels: activation(bias), or zeros. */
  private emptyConv(bias: KernelTensor | null, activation: FusedActivation, out: OutSpec): DataId {
    let y = this.fill(0, out);
    const step = (next: DataId) => {
      this.disposeData(y);
      y = next;
    };
    const cur = () => ({ id: y, shape: out.shape, dtype: out.dtype });
    if (bias) step(this.binary('add', cur(), bias, out));
    if (activation === 'relu' || activation === 'relu6') step(this.unary('relu', cur(), out));
    if (activation === 'relu6')
      step(
        this.run(
          () => binaryScalarProgram('minimum', 'float32', 6, false, sizeOf(out.shape)),
          [cur()],
          out,
          'relu6',
        ),
      );
    if (activation === 'sigmoid' || activation === 'tanh') step(this.unary(activation, cur(), out));
    return y;
  }

  softmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    return this.run(() => softmaxProgram(x.shape, axis, false), [x], out, 'softmax');
  }

  logSoftmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    return this.run(() => softmaxProgram(x.shape, axis, true), [x], out, 'logSoftmax');
  }

  softmaxCrossEntropy(logits: KernelTensor, target: KernelTensor, out: OutSpec): DataId {
    return this.run(
      () => softmaxCrossEntropyProgram(logits.shape),
      [logits, target],
      out,
      'softmaxCrossEntropy',
    );
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
    const c = x.shape[x.shape.length - 1];
    const p = () => batchNormProgram(sizeOf(x.shape), c, eps);
    return this.run(p, [x, mean, variance, gamma, beta], out, 'batchNormApply');
  }

  lstmCell(gates: KernelTensor, c: KernelTensor, out: OutSpec): DataId {
    const [batch, hidden] = c.shape;
    return this.run(() => lstmCellProgram(batch, hidden), [gates, c], out, 'lstmCell');
  }

  optimizerUpdate(
    kind: OptimizerKind,
    param: KernelTensor,
    grad: KernelTensor,
    state: readonly KernelTensor[],
    hyper: OptimizerHyper,
  ): { param: DataId; state: DataId[] } {
    const size = sizeOf(param.shape);
    const { program, stateOut, inputs: used } = optimizerProgram(kind, hyper, size, state.length);
    const spec = { shape: param.shape, dtype: 'float32' as const };
    const p = this.allocate('optimizerUpdate', param.shape, 'float32');
    const s = Array.from({ length: stateOut }, () => this.allocate('optimizerUpdate', spec.shape, 'float32'));
    const inputs = [param, grad, ...state].slice(0, used).map((t) => this.buf(t, 'optimizerUpdate'));
    if (size > 0) this.queue.dispatch(program, inputs, [p.buffer!, ...s.map((d) => d.buffer!)]);
    return { param: p, state: s };
  }
}
