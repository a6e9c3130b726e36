/**
 * One live instance of the compiled module: its exports, its heap views, its allocator and its tensor
 * ids. The backend replaces the whole instance if the C side ever aborts.
 */
import { EmittedKernels } from '../codegen/emitted-kernels.js';
import { type RawHeap, SizeClassAllocator } from './allocator.js';
import type { EmscriptenModule, KernelExports } from './emscripten.js';
import { KernelWorkers, type SpawnHelper } from './kernel-workers.js';
import type { ThreadGate } from './thread-gate.js';

export type WasmFlavor = 'threaded-simd' | 'simd' | 'plain';

/** Bytes kept for shape/permutation arguments of one kernel call. */
const ARG_BYTES = 4096;
const MAX_ID = 0xffff_fffe;

export class WasmInstance {
  readonly exports: KernelExports;
  readonly allocator: SizeClassAllocator;
  private readonly memory: WebAssembly.Memory;
  private buffer: ArrayBufferLike;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;
  private readonly argPtr: number;
  private argUsed = 0;
  private nextId = 1;
  /** Ids registered with the C side right now (only consulted after the counter wraps). */
  private readonly registered = new Set<number>();
  private wrapped = false;
  /** Runs small calls single-threaded (threaded builds whose pool pointer was found). */
  gate: ThreadGate | null = null;
  /** Kernels emitted at run time over this heap; null on the plain build (no SIMD). */
  readonly emitted: EmittedKernels | null;

  constructor(
    readonly module: EmscriptenModule,
    readonly flavor: WasmFlavor,
    readonly threads: number,
    readonly generation: number,
    /** GEMMs on relaxed SIMD's multiply-add (the engine has it and the options allow it). */
    fma = false,
  ) {
    this.exports = module.asm;
    const memory = module.asm.memory ?? module.wasmMemory;
    if (!memory) throw new Error('the wasm module exposes no memory');
    this.memory = memory;
    this.buffer = memory.buffer;
    this.emitted = flavor === 'plain' ? null : new EmittedKernels(memory, flavor === 'threaded-simd', fma);
    this.f32View = new Float32Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
    this.u8View = new Uint8Array(this.buffer);
    const raw: RawHeap = {
      malloc: (n) => this.exports.malloc(n),
      free: (p) => this.exports.free(p),
      heapSize: () => this.memory.buffer.byteLength,
    };
    this.allocator = new SizeClassAllocator(raw);
    this.argPtr = this.exports.malloc(ARG_BYTES) >>> 0;
    if (this.argPtr === 0) throw new Error('could not allocate the argument area');
  }

  /** Re-reads the views if the heap grew (a grown non-shared buffer detaches the old views). */
  private refresh(): void {
    const b = this.memory.buffer;
    if (b !== this.buffer || this.f32View.length * 4 !== b.byteLength) {
      this.buffer = b;
      this.f32View = new Float32Array(b);
      this.i32View = new Int32Array(b);
      this.u8View = new Uint8Array(b);
    }
  }

  get f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  get i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }

  get heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** A fresh tensor id for `size` elements at `ptr`. */
  register(ptr: number, size: number): number {
    let id = this.nextId;
    if (this.wrapped) while (this.registered.has(id)) id = id >= MAX_ID ? 1 : id + 1;
    this.nextId = id >= MAX_ID ? 1 : id + 1;
    if (id >= MAX_ID) this.wrapped = true;
    this.exports.register_tensor(id, size, ptr);
    this.registered.add(id);
    return id;
  }

  /** Forgets an id; the C side drops every operator it cached for it. */
  unregister(id: number): void {
    if (!this.registered.delete(id)) return;
    this.exports.dispose_data(id);
  }

  /** Starts the argument area of a new kernel call. */
  resetArgs(): void {
    this.argUsed = 0;
  }

  /**
   * Writes int32 values into the argument area and returns their address. The area is a ring: C copies
   * its shape arguments when called, so only the last few writes need to stay intact.
   */
  ints(values: readonly number[]): number {
    const bytes = Math.max(4, values.length * 4);
    if (bytes > ARG_BYTES / 8)
      throw new RangeError(`${values.length} kernel arguments exceed the argument area`);
    if (this.argUsed + bytes > ARG_BYTES) this.argUsed = 0;
    const ptr = this.argPtr + this.argUsed;
    this.argUsed += (bytes + 7) & ~7;
    this.i32.set(values, ptr >>> 2);
    return ptr;
  }

  /** Writes one float32 into the argument area and returns its address (a scalar operand of a pass). */
  float(value: number): number {
    if (this.argUsed + 8 > ARG_BYTES) this.argUsed = 0;
    const ptr = this.argPtr + this.argUsed;
    this.argUsed += 8;
    this.f32[ptr >>> 2] = value;
    return ptr;
  }

  /** Starts `count` helper threads for the emitted kernels (threaded build only). */
  startKernelHelpers(count: number, spawn: SpawnHelper): void {
    if (count < 1 || !this.emitted || this.flavor !== 'threaded-simd') return;
    this.emitted.useHelpers(new KernelWorkers(count, this.memory, spawn));
  }

  /** Lets the kernel helpers sleep while XNNPACK's pool runs (see kernel-workers.ts, PARKED). */
  readonly parkHelpers = (): void => {
    this.emitted?.parkHelpers();
  };

  /** Stops the instance's worker threads (threaded builds). */
  terminate(): void {
    this.emitted?.terminate();
    const p = this.module.PThread;
    if (!p) return;
    p.terminateAllThreads();
  }
}
