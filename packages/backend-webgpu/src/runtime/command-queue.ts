/**
 * Dispatches batched into one command encoder and one compute pass, submitted every `maxDispatches`
 * dispatches, when the uniform arena is full, and before every read. Uniforms of a batch are written
 * into one CPU arena and uploaded with one `writeBuffer` just before the submit; the same GPU uniform
 * buffer serves every batch (the queue runs the previous submit before the next write), so no uniform
 * buffer is created per op.
 *
 * Every batch runs inside an out-of-memory and a validation error scope; their results are kept and
 * surfaced by the next `takeErrors()` (the backend's next read), as the contract's rule 6 asks.
 */
import type { BufferPool } from './buffer-pool.js';
import type { PipelineCache } from './pipeline-cache.js';
import { type Program, uniformBytes, writeUniforms } from './program.js';

const UNIFORM_USAGE = 0x40 | 0x08; // UNIFORM | COPY_DST

export interface QueueStats {
  dispatches: number;
  submits: number;
}

export class CommandQueue {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private count = 0;
  private used = 0;
  private readonly arena: ArrayBuffer;
  private readonly view: DataView;
  private readonly uniformBuffer: GPUBuffer;
  private readonly align: number;
  private errors: Promise<GPUError | null>[] = [];
  readonly stats: QueueStats = { dispatches: 0, submits: 0 };

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: PipelineCache,
    private readonly pool: BufferPool,
    private readonly maxDispatches = 64,
  ) {
    this.align = device.limits.minUniformBufferOffsetAlignment;
    const bytes = this.align * maxDispatches;
    this.arena = new ArrayBuffer(bytes);
    this.view = new DataView(this.arena);
    this.uniformBuffer = device.createBuffer({ size: bytes, usage: UNIFORM_USAGE, label: 'uniform arena' });
  }

  get isOpen(): boolean {
    return this.encoder !== null;
  }

  /** Opens a batch (and its error scopes) if none is open; buffers are created inside it. */
  open(): GPUCommandEncoder {
    if (!this.encoder) {
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      this.encoder = this.device.createCommandEncoder();
    }
    return this.encoder;
  }

  dispatch(program: Program, inputs: readonly GPUBuffer[], outputs: readonly GPUBuffer[]): void {
    const size = uniformBytes(program.uniforms);
    const slot = Math.ceil(size / this.align) * this.align;
    if (this.count >= this.maxDispatches || this.used + slot > this.arena.byteLength) this.flush();
    const encoder = this.open();
    const pipeline = this.pipelines.get(program, inputs.length, outputs.length);
    writeUniforms(this.view, this.used, program.uniforms, program.values);
    const entries: GPUBindGroupEntry[] = [...inputs, ...outputs].map((buffer, binding) => ({
      binding,
      resource: { buffer },
    }));
    entries.push({
      binding: entries.length,
      resource: { buffer: this.uniformBuffer, offset: this.used, size },
    });
    const bindGroup = this.device.createBindGroup({
      layout: this.pipelines.layout(inputs.length, outputs.length),
      entries,
    });
    this.used += slot;
    this.pass ??= encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(program.workgroups[0], program.workgroups[1], program.workgroups[2]);
    this.count++;
    this.stats.dispatches++;
  }

  /** Ends the pass so a copy can be encoded after the dispatches so far. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    const encoder = this.open();
    this.pass?.end();
    this.pass = null;
    encoder.copyBufferToBuffer(src, 0, dst, 0, bytes);
  }

  /** Submits the open batch, if any, then lets the pool reuse what was released before it. */
  flush(): void {
    if (this.encoder) {
      this.pass?.end();
      if (this.used > 0) this.device.queue.writeBuffer(this.uniformBuffer, 0, this.arena, 0, this.used);
      this.device.queue.submit([this.encoder.finish()]);
      this.errors.push(this.device.popErrorScope(), this.device.popErrorScope());
      this.stats.submits++;
      this.encoder = null;
      this.pass = null;
      this.count = 0;
      this.used = 0;
    }
    this.pool.recycle();
  }

  /** The first error of the batches submitted so far (then forgotten), or null. */
  async takeErrors(): Promise<GPUError | null> {
    const pending = this.errors;
    this.errors = [];
    const results = await Promise.all(pending);
    return results.find((e) => e !== null) ?? null;
  }

  destroy(): void {
    this.uniformBuffer.destroy();
  }
}
