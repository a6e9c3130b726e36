/**
 * Explicit memory management: `tidy` scopes (sync and async), `keep`, `dispose` of whole structures, and
 * `memory()` for leak checks. Tensors also implement `Symbol.dispose`, so `using t = op(...)` works.
 */
import { engine } from './engine.js';
import { getInitializedBackend, registeredBackends } from './registry.js';
import { Tensor } from './tensor.js';

/** Any structure of tensors: a tensor, arrays, plain objects, maps of them. */
export type TensorContainer =
  | Tensor
  | null
  | undefined
  | number
  | string
  | boolean
  | TensorContainer[]
  | { [key: string]: TensorContainer };

function collect(value: unknown, into: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into, seen);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, into, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, seen);
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (found inside arrays and
 * plain objects too) and those passed to `keep()`. Works with async bodies: the scope closes when the
 * promise settles. In Node scopes follow the async context, so concurrent async bodies each own their
 * tensors; elsewhere run async bodies one at a time (interleaving is detected: `ScopeError`).
 */
export function tidy<T>(fn: () => T, name = 'tidy'): T {
  const scope = engine.beginScope(name);
  let result: T;
  try {
    result = engine.runInScope(scope, fn);
  } catch (e) {
    engine.endScope(scope, new Set());
    throw e;
  }
  if (isThenable(result)) {
    return (result as unknown as Promise<unknown>).then(
      (value) => {
        const keepers = new Set<Tensor>();
        collect(value, keepers);
        engine.endScope(scope, keepers);
        return value;
      },
      (e: unknown) => {
        engine.endScope(scope, new Set());
        throw e;
      },
    ) as T;
  }
  const keepers = new Set<Tensor>();
  collect(result, keepers);
  engine.endScope(scope, keepers);
  return result;
}

/** Exempts a tensor from every enclosing and future `tidy`; its owner must dispose it. */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  engine.detachFromScopes(t);
  return t;
}

/** Disposes every tensor found in `value` (arrays, plain objects, maps). */
export function dispose(value: unknown): void {
  const all = new Set<Tensor>();
  collect(value, all);
  for (const t of all) t.dispose();
}

export interface MemoryInfo {
  /** Live tensor handles, including those the autograd graph holds for backward. */
  readonly tensors: number;
  /** Bytes of storage held by all initialised backends. */
  readonly bytes: number;
  /** Storage blocks held by all initialised backends. */
  readonly buffers: number;
  readonly backends: Record<string, { bytes: number; buffers: number }>;
  /** Tensors freed by the garbage-collection net because nobody disposed them. */
  readonly collectedWithoutDispose: number;
}

export function memory(): MemoryInfo {
  const backends: Record<string, { bytes: number; buffers: number }> = {};
  let bytes = 0;
  let buffers = 0;
  for (const name of registeredBackends()) {
    const b = getInitializedBackend(name);
    if (!b) continue;
    const m = b.memory();
    backends[name] = { bytes: m.bytes, buffers: m.buffers };
    bytes += m.bytes;
    buffers += m.buffers;
  }
  return {
    tensors: engine.liveTensors,
    bytes,
    buffers,
    backends,
    collectedWithoutDispose: engine.collectedWithoutDispose,
  };
}

/** Reports tensors garbage-collected without `dispose()` with `console.warn` (debug aid). */
export function setDebugMemory(on: boolean): void {
  engine.debug = on;
}
