/**
 * The backend's hold on the compiled module: the current instance, every live block of storage, and the
 * kernel scope through which every kernel allocates and calls C.
 *
 * If a C call ever aborts or traps (it checks nothing, so that would be a bug in Dendrite's validation),
 * the instance is treated as lost: a fresh one is instantiated synchronously, every live tensor's bytes
 * are copied across from the old heap, and the kernel fails with a `BackendError`. Tensors stay valid.
 */
import { BackendError, DendriteError, type DType } from '@dendrite/core';
import type { WasmInstance } from './instance.js';
import { LiveBlocks } from './live-blocks.js';
import { WasmData } from './wasm-data.js';

export interface InstanceFactory {
  /** A fresh, non-threaded instance, synchronously (after an abort), and why threads were given up. */
  recreateSync(generation: number): { instance: WasmInstance; note: string | null };
}

export class WasmRuntime {
  readonly live = new LiveBlocks();
  /** Bytes of tensor storage (element bytes, not class sizes) in `live`. */
  liveBytes = 0;
  /** What happened to earlier instances (aborts), newest last. */
  readonly incidents: string[] = [];
  private lastLog: string[] = [];
  private scopeDepth = 0;
  private readonly scope: KernelScope;

  constructor(
    public instance: WasmInstance,
    private readonly factory: InstanceFactory,
  ) {
    this.scope = new KernelScope(this);
  }

  /** Called with every line the C side prints. */
  log(line: string): void {
    this.lastLog.push(line);
    if (this.lastLog.length > 20) this.lastLog.shift();
  }

  /** A new block for `size` elements of `dtype` (registered with the C side when its id is first used). */
  alloc(dtype: DType, size: number): WasmData {
    const inst = this.instance;
    const bytes = size * (dtype === 'bool' ? 1 : 4);
    let block: { ptr: number; cls: number };
    try {
      block = inst.allocator.alloc(bytes);
    } catch (e) {
      if (e instanceof RangeError) throw new BackendError('wasm', e.message);
      throw e;
    }
    const d = new WasmData(block.ptr, block.cls, size, dtype, inst, inst.generation);
    this.live.add(d);
    this.liveBytes += d.bytes;
    return d;
  }

  free(d: WasmData): void {
    if (d.freed) return;
    d.freed = true;
    this.live.delete(d);
    this.liveBytes -= d.bytes;
    const inst = this.instance;
    if (d.generation !== inst.generation) return;
    if (d.registeredId !== 0) inst.unregister(d.registeredId);
    if (d.aliases) for (const id of d.aliases.values()) inst.unregister(id);
    d.aliases = null;
    inst.allocator.release(d.ptr, d.cls);
  }

  /**
   * Runs one kernel. Blocks made with `k.temp` (and ids made with `k.alias`) are freed when it ends;
   * blocks made with `k.out` are freed only if it fails.
   */
  run<T>(op: string, body: (k: KernelScope) => T): T {
    if (this.scopeDepth > 0) return body(this.scope);
    this.scopeDepth++;
    const k = this.scope;
    k.begin(op);
    let ok = false;
    try {
      const r = body(k);
      ok = true;
      return r;
    } catch (e) {
      throw this.translate(op, e);
    } finally {
      this.scopeDepth--;
      k.end(ok);
    }
  }

  private translate(op: string, e: unknown): unknown {
    if (e instanceof DendriteError) return e;
    if (e instanceof WebAssembly.RuntimeError) {
      const printed = this.lastLog.join(' | ');
      const note = this.recover(`${op}: ${e.message}${printed ? ` (module printed: ${printed})` : ''}`);
      return new BackendError(
        op,
        `the wasm module aborted (${e.message}); the backend replaced it with a fresh instance and kept every live tensor${note ? `; ${note}` : ''}`,
      );
    }
    return e;
  }

  /** Replaces the instance, copying every live block across. Returns a note for the error message. */
  recover(reason: string): string | null {
    const old = this.instance;
    const { instance, note } = this.factory.recreateSync(old.generation + 1);
    const src = old.u8;
    for (const d of this.live) {
      const { ptr, cls } = instance.allocator.alloc(d.bytes);
      instance.u8.set(src.subarray(d.ptr, d.ptr + d.bytes), ptr);
      d.ptr = ptr;
      d.cls = cls;
      d.moved(instance, instance.generation);
      d.aliases = null;
      d.weightShape = null;
    }
    this.instance = instance;
    this.incidents.push(reason + (note ? ` [${note}]` : ''));
    this.lastLog = [];
    try {
      old.terminate();
    } catch {
      // the old instance is gone either way
    }
    return note;
  }

  /** Frees every block and stops the instance. */
  dispose(): void {
    for (const d of this.live) this.free(d);
    this.instance.allocator.releaseCache();
    this.instance.terminate();
  }
}

/** What a kernel body sees: allocation, views and C calls of the current instance. */
export class KernelScope {
  op = '';
  private outs: WasmData[] = [];
  private temps: WasmData[] = [];
  private aliases: { id: number; generation: number }[] = [];

  constructor(private readonly rt: WasmRuntime) {}

  begin(op: string): void {
    this.op = op;
    this.rt.instance.resetArgs();
  }

  end(ok: boolean): void {
    const inst = this.rt.instance;
    for (const a of this.aliases) if (a.generation === inst.generation) inst.unregister(a.id);
    for (const t of this.temps) this.rt.free(t);
    if (!ok) for (const o of this.outs) this.rt.free(o);
    this.outs = [];
    this.temps = [];
    this.aliases = [];
  }

  get instance(): WasmInstance {
    return this.rt.instance;
  }

  /** Storage for a result (kept if the kernel succeeds). */
  out(dtype: DType, size: number): WasmData {
    const d = this.rt.alloc(dtype, size);
    this.outs.push(d);
    return d;
  }

  /** Scratch storage freed when the kernel ends. */
  temp(dtype: DType, size: number): WasmData {
    const d = this.rt.alloc(dtype, size);
    this.temps.push(d);
    return d;
  }

  /** Frees a scratch block early (it must come from `temp`). */
  drop(d: WasmData): void {
    const i = this.temps.indexOf(d);
    if (i >= 0) this.temps.splice(i, 1);
    this.rt.free(d);
  }

  /** A temporary id for `size` float32 elements at `ptr` (a batch slice), dropped when the kernel ends. */
  alias(ptr: number, size: number): number {
    const inst = this.rt.instance;
    const id = inst.register(ptr, size);
    this.aliases.push({ id, generation: inst.generation });
    return id;
  }

  /**
   * Elements [start, start + size) of `d` as a block of its own: same bytes, a fresh temporary id (so no
   * operator cached under another id applies), dropped when the kernel ends; the bytes are never freed.
   */
  part(d: WasmData, start = 0, size = d.size - start): WasmData {
    const ptr = d.ptr + start * (d.dtype === 'bool' ? 1 : 4);
    return new WasmData(ptr, 0, size, d.dtype, this.rt.instance, d.generation, this.alias(ptr, size));
  }

  /** Address of int32 `values` in the argument area (valid for this kernel call). */
  ints(values: readonly number[]): number {
    return this.rt.instance.ints(values);
  }

  /** Address of one float32 `value` in the argument area (valid for this kernel call). */
  float(value: number): number {
    return this.rt.instance.float(value);
  }

  /** Calls a compiled kernel by its export name, on every thread of the pool. */
  call(name: string, ...args: number[]): void {
    this.callSized(Number.POSITIVE_INFINITY, name, ...args);
  }

  /**
   * Calls a compiled XNNPACK kernel that does about `work` multiply-adds (or touches `work` elements):
   * below the thread gate's threshold it runs on the calling thread, above it on the pool or the calling
   * thread, whichever has been faster for this kernel at this size (see thread-gate.ts).
   */
  callSized(work: number, name: string, ...args: number[]): void {
    const inst = this.rt.instance;
    const fn = inst.exports[name] as ((...a: number[]) => void) | undefined;
    if (typeof fn !== 'function') throw new BackendError(this.op, `the wasm module has no kernel '${name}'`);
    if (inst.gate) inst.gate.run(work, () => fn(...args), inst.parkHelpers, name);
    else fn(...args);
  }

  // Views are fresh on every access: take them after the last allocation or C call that may grow the heap.

  f32(d: WasmData): Float32Array {
    return this.rt.instance.f32.subarray(d.ptr >>> 2, (d.ptr >>> 2) + d.size);
  }

  i32(d: WasmData): Int32Array {
    return this.rt.instance.i32.subarray(d.ptr >>> 2, (d.ptr >>> 2) + d.size);
  }

  u8(d: WasmData): Uint8Array {
    return this.rt.instance.u8.subarray(d.ptr, d.ptr + d.size);
  }

  view(d: WasmData): Float32Array | Int32Array | Uint8Array {
    return d.dtype === 'float32' ? this.f32(d) : d.dtype === 'int32' ? this.i32(d) : this.u8(d);
  }
}
