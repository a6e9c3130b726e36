/**
 * Where the compiled module comes from, and which build runs: the threaded-SIMD build where threads are
 * available, else the SIMD build, else the plain one, each fallback with its reason. Node and browsers
 * differ only in how the glue and the binaries are fetched (`WasmPlatform`).
 */

import { relaxedSimdSupported } from '../codegen/wasm-encoder.js';
import { type EmscriptenFactory, instantiate, instantiateSync } from './emscripten.js';
import { type WasmFlavor, WasmInstance } from './instance.js';
import type { SpawnHelper } from './kernel-workers.js';
import type { InstanceFactory } from './runtime.js';
import { findThreadpoolAddress, ThreadGate } from './thread-gate.js';

export interface WasmPlatform {
  /** Logical cores of this machine (the default thread count). */
  cores(): number;
  /** The Emscripten factory of the plain and SIMD builds. */
  factory(): Promise<EmscriptenFactory>;
  /** The bytes of one build's `.wasm`. */
  binary(flavor: WasmFlavor): Promise<ArrayBuffer | Uint8Array>;
  /** Why the threaded build cannot run here, or null when it can. */
  threadsUnavailable(): string | null;
  /** The threaded build's factory and the module settings that locate its worker script. */
  threaded(): Promise<{ factory: EmscriptenFactory; settings: Record<string, unknown> }>;
  /** Starts a helper thread for emitted kernels (absent: emitted kernels run on the calling thread). */
  readonly spawnHelper?: SpawnHelper;
}

export interface WasmBackendOptions {
  /** Threads for XNNPACK (default: the machine's logical cores; 1 uses the non-threaded build). */
  readonly threads?: number;
  /** false forces the plain (non-SIMD) build. */
  readonly simd?: boolean;
  /**
   * false keeps the emitted GEMM on plain SIMD (mul + add) where the engine has relaxed SIMD, whose
   * multiply-add it uses by default (results differ in the last bits: fused rounding on FMA hardware).
   */
  readonly relaxedSimd?: boolean;
}

/** The largest pool the threaded build pre-spawns workers for. */
export const MAX_THREADS = 8;

export interface LoadedModule {
  readonly instance: WasmInstance;
  readonly factory: InstanceFactory;
  readonly requestedThreads: number;
  /** Why a faster build was not used, in the order they were tried. */
  readonly fallbacks: string[];
}

const compiled = new WeakMap<WasmPlatform, Map<WasmFlavor, Promise<WebAssembly.Module>>>();

function compile(platform: WasmPlatform, flavor: WasmFlavor): Promise<WebAssembly.Module> {
  let perPlatform = compiled.get(platform);
  if (!perPlatform) {
    perPlatform = new Map();
    compiled.set(platform, perPlatform);
  }
  let m = perPlatform.get(flavor);
  if (!m) {
    m = platform.binary(flavor).then((bytes) => WebAssembly.compile(bytes as BufferSource));
    // A failed compile (no SIMD support) is remembered as a failure, not retried per backend.
    perPlatform.set(flavor, m);
  }
  return m;
}

const poolAddresses = new WeakMap<WasmPlatform, Promise<number | null>>();

/** Where the threaded build keeps its pool pointer (see thread-gate.ts), read once per platform. */
function poolAddress(platform: WasmPlatform): Promise<number | null> {
  let a = poolAddresses.get(platform);
  if (!a) {
    a = platform
      .binary('threaded-simd')
      .then((bytes) => findThreadpoolAddress(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
    poolAddresses.set(platform, a);
  }
  return a;
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Instantiates the best build the options and the platform allow. */
export async function loadModule(
  platform: WasmPlatform,
  options: WasmBackendOptions,
  log: (line: string) => void,
): Promise<LoadedModule> {
  const fallbacks: string[] = [];
  const wantSimd = options.simd !== false;
  const requested = Math.floor(options.threads ?? platform.cores());
  if (!(requested >= 1)) throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
  const threads = Math.min(requested, MAX_THREADS);
  if (threads < requested) fallbacks.push(`threads capped at ${MAX_THREADS} (the pool the build pre-spawns)`);

  const fma = options.relaxedSimd !== false && relaxedSimdSupported();
  if (options.relaxedSimd === true && !fma)
    fallbacks.push('relaxed SIMD unavailable in this engine: the emitted GEMM uses plain SIMD');

  const glue = await platform.factory();
  // The synchronous fallback used after an abort (and the non-threaded choice below).
  let single: { flavor: WasmFlavor; compiled: WebAssembly.Module } | null = null;
  if (wantSimd) {
    try {
      single = { flavor: 'simd', compiled: await compile(platform, 'simd') };
    } catch (e) {
      fallbacks.push(`SIMD build unavailable: ${reasonOf(e)}`);
    }
  } else {
    fallbacks.push('SIMD disabled by the simd: false option');
  }
  single ??= { flavor: 'plain', compiled: await compile(platform, 'plain') };
  const fallback = single;

  const factory: InstanceFactory = {
    recreateSync(generation) {
      const m = instantiateSync({ factory: glue, compiled: fallback.compiled, log });
      m.asm.init();
      return {
        instance: new WasmInstance(m, fallback.flavor, 1, generation, fma),
        note: null,
      };
    },
  };

  if (threads > 1) {
    const unavailable = !wantSimd
      ? 'the threaded build needs SIMD'
      : single.flavor !== 'simd'
        ? 'the threaded build needs SIMD'
        : platform.threadsUnavailable();
    if (unavailable) {
      fallbacks.push(`threads unavailable: ${unavailable}`);
    } else {
      try {
        const { factory: threadedGlue, settings } = await platform.threaded();
        // Under Node the glue installs `worker_threads.Worker` as a global `Worker` for its own use; other
        // libraries take that global to mean a browser-style Worker (jax-js starts a pool from blob: URLs
        // with it and fails). The glue only needs it while it spawns its pool, so it is put back after.
        const workerGlobal = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
        const m = await instantiate({
          factory: threadedGlue,
          compiled: await compile(platform, 'threaded-simd'),
          log,
          settings,
          // The C side sizes its pool as min(requested, 8, logical cores / 2): report enough cores that
          // the requested count is what it gets, also on a 2-core machine.
          envOverrides: { emscripten_num_logical_cores: () => 2 * threads },
        });
        m.asm.init_with_threads_count(threads);
        if (workerGlobal) Object.defineProperty(globalThis, 'Worker', workerGlobal);
        else delete (globalThis as { Worker?: unknown }).Worker;
        // The pool's threads now run for the instance's lifetime; the glue refs their workers, which
        // would keep Node alive until dispose(). Unref them: a backend never holds a process open.
        for (const w of [...(m.PThread?.runningWorkers ?? []), ...(m.PThread?.unusedWorkers ?? [])])
          w.unref?.();
        const got = m.asm.get_threads_count();
        const instance = new WasmInstance(m, 'threaded-simd', got, 0, fma);
        instance.gate = ThreadGate.verify(
          () => instance.i32,
          await poolAddress(platform),
          m.asm.get_threads_count,
          got,
        );
        if (!instance.gate)
          fallbacks.push('per-call threading unavailable: every XNNPACK call uses all threads');
        if (platform.spawnHelper) instance.startKernelHelpers(got - 1, platform.spawnHelper);
        else fallbacks.push('no helper threads for emitted kernels on this platform: they run on one thread');
        const threadedFactory: InstanceFactory = {
          recreateSync(generation) {
            const r = factory.recreateSync(generation);
            return {
              ...r,
              note: 'the replacement runs single-threaded (threaded builds cannot start synchronously)',
            };
          },
        };
        return { instance, factory: threadedFactory, requestedThreads: requested, fallbacks };
      } catch (e) {
        fallbacks.push(`threaded build failed to start: ${reasonOf(e)}`);
      }
    }
  }
  const { instance } = factory.recreateSync(0);
  return { instance, factory, requestedThreads: requested, fallbacks };
}
