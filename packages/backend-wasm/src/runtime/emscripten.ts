/**
 * The Emscripten module of `@tensorflow/tfjs-backend-wasm`, instantiated without tfjs-core.
 *
 * The glue's factory is called with an `instantiateWasm` hook that instantiates an already compiled
 * `WebAssembly.Module` synchronously, so a non-threaded instance is ready when the factory returns: that is
 * what lets the backend replace an aborted instance inside a synchronous kernel call. The glue's
 * process-wide `uncaughtException` / `unhandledRejection` handlers (which rethrow) are removed at once.
 */

/** The C entry points Dendrite calls (all arguments are i32 or f32; pointers are byte offsets). */
export interface KernelExports {
  readonly memory?: WebAssembly.Memory;
  readonly malloc: (bytes: number) => number;
  readonly free: (ptr: number) => void;
  readonly init: () => void;
  readonly init_with_threads_count: (n: number) => void;
  readonly get_threads_count: () => number;
  readonly register_tensor: (id: number, size: number, ptr: number) => void;
  readonly dispose_data: (id: number) => void;
  readonly [kernel: string]: unknown;
}

/** The parts of the Emscripten `Module` object Dendrite touches. */
export interface EmscriptenModule {
  asm: KernelExports;
  calledRun?: boolean;
  wasmMemory?: WebAssembly.Memory;
  HEAPU8: Uint8Array;
  PThread?: {
    terminateAllThreads(): void;
    unusedWorkers: { unref?: () => void; terminate(): void }[];
    runningWorkers: { unref?: () => void; terminate(): void }[];
  };
}

/** `module.exports` of `wasm-out/tfjs-backend-wasm*.js`. */
export type EmscriptenFactory = (moduleArg: Record<string, unknown>) => Promise<unknown>;

type Listener = (...args: unknown[]) => void;
const HOST_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

interface ProcessLike {
  listeners(event: string): Listener[];
  removeListener(event: string, listener: Listener): void;
}

function hostProcess(): ProcessLike | null {
  const p = (globalThis as { process?: Partial<ProcessLike> }).process;
  return p && typeof p.listeners === 'function' && typeof p.removeListener === 'function'
    ? (p as ProcessLike)
    : null;
}

/** Runs `body` and then removes any `uncaughtException`/`unhandledRejection` handler it added. */
function withoutNewHostHandlers<T>(body: () => T): T {
  const proc = hostProcess();
  const before = HOST_EVENTS.map((e) => new Set(proc?.listeners(e) ?? []));
  try {
    return body();
  } finally {
    if (proc) {
      HOST_EVENTS.forEach((e, i) => {
        for (const l of proc.listeners(e)) if (!before[i].has(l)) proc.removeListener(e, l);
      });
    }
  }
}

export interface InstantiateOptions {
  readonly factory: EmscriptenFactory;
  readonly compiled: WebAssembly.Module;
  /** Receives what the C side prints (warnings, "Aborted()"), instead of the console. */
  readonly log: (line: string) => void;
  /** Extra Emscripten module settings (threaded builds: locateFile, mainScriptUrlOrBlob). */
  readonly settings?: Record<string, unknown>;
  /** Replaces `env` imports, e.g. the logical core count the threaded build sizes its pool from. */
  readonly envOverrides?: Record<string, (...args: number[]) => number>;
}

function moduleArg(o: InstantiateOptions): Record<string, unknown> {
  return {
    ...o.settings,
    print: o.log,
    printErr: o.log,
    instantiateWasm(
      imports: { env: Record<string, unknown> },
      receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) {
      if (o.envOverrides) Object.assign(imports.env, o.envOverrides);
      const instance = new WebAssembly.Instance(o.compiled, imports as unknown as WebAssembly.Imports);
      receive(instance, o.compiled);
      return instance.exports;
    },
  };
}

/** A ready non-threaded instance, synchronously. */
export function instantiateSync(o: InstantiateOptions): EmscriptenModule {
  const arg = moduleArg(o);
  const ready = withoutNewHostHandlers(() => o.factory(arg));
  // abort() rejects the ready promise; nobody awaits it here.
  ready.catch(() => {});
  const m = arg as unknown as EmscriptenModule;
  if (!m.calledRun || !m.asm) throw new Error('the wasm module did not initialise synchronously');
  return m;
}

/** A ready instance of any build (threaded builds load their workers asynchronously). */
export async function instantiate(o: InstantiateOptions): Promise<EmscriptenModule> {
  const arg = moduleArg(o);
  const ready = withoutNewHostHandlers(() => o.factory(arg));
  await ready;
  return arg as unknown as EmscriptenModule;
}
