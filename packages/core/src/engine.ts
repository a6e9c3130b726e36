/**
 * The engine: process-wide state shared by tensors, ops, scopes and autograd. It owns storage reference
 * counts (reshape and friends share storage), the scope stack of `tidy`, the grad mode, the live-tensor
 * count and the garbage-collection safety net.
 *
 * Kept on `globalThis` under a registered symbol so that two copies of core loaded in one process (a
 * dual-package hazard) still share one engine instead of mixing tensors silently.
 */
import type { GradientConfig } from './autograd/gradient-registry.js';
import type { Backend, DataId } from './backend.js';
import { bytesPerElement, type DType } from './dtype.js';
import { ScopeError } from './errors.js';
import type { Tensor } from './tensor.js';

/** A block of backend storage and how many tensor handles share it. */
export interface Storage {
  readonly backend: Backend;
  readonly id: DataId;
  readonly bytes: number;
  refs: number;
}

/** One `tidy` (or autograd) scope: the tensors made in it, and the scope it was opened in. */
export interface Scope {
  readonly name: string;
  readonly tensors: Set<Tensor>;
  readonly parent: Scope | null;
}

/**
 * Where "the current scope" lives. In Node it follows the async context (AsyncLocalStorage, installed by
 * core's Node entry), so concurrent async `tidy` bodies each own their tensors. Elsewhere it is one global
 * slot: sequential async bodies work, and interleaved ones are detected and refused (see `endScope`).
 */
export interface AsyncContext<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

/** What the garbage-collection net keeps of a tensor: its storage, and enough to name it in debug mode
 * (formatted only then: a string per tensor made was a measurable part of a small op's cost). */
interface CollectedTensor {
  readonly storage: Storage;
  readonly id: number;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Most tensors a synchronous stretch of code can make before the live ones among them are registered
 * anyway: the list holds their handles (not their storage) until then. */
const UNREGISTERED_LIMIT = 1024;

export class Engine {
  /** The current scope when scopes do not follow the async context (browsers). */
  private globalScope: Scope | null = null;
  private asyncContext: AsyncContext<Scope | null> | null = null;
  /** Gradients by op name (see autograd/gradient-registry.ts). */
  readonly gradients = new Map<string, GradientConfig>();
  /**
   * Reverse-mode differentiation, installed by autograd/backward.ts when it loads: `Tensor.backward()`
   * calls it through the engine, so the Tensor class does not import autograd (which imports ops).
   */
  backward: ((root: Tensor, dy?: Tensor) => void) | null = null;
  gradEnabled = true;
  liveTensors = 0;
  nextTensorId = 1;
  /** When true, tensors freed by the garbage-collection net are reported with `console.warn`. */
  debug = false;
  /** Tensors that were garbage collected without `dispose()` (counted always, listed in debug mode). */
  collectedWithoutDispose = 0;

  private readonly finalizer = new FinalizationRegistry<CollectedTensor>((held) => {
    // The handle is gone, so nobody can use its storage any more: release it.
    this.liveTensors--;
    this.collectedWithoutDispose++;
    this.releaseStorage(held.storage);
    if (this.debug)
      console.warn(
        `dendrite: tensor #${held.id} ${held.dtype}[${held.shape}] was garbage collected without dispose()`,
      );
  });

  newStorage(backend: Backend, id: DataId, dtype: DType, size: number): Storage {
    return { backend, id, bytes: size * bytesPerElement(dtype), refs: 1 };
  }

  releaseStorage(storage: Storage): void {
    storage.refs--;
    if (storage.refs === 0) storage.backend.disposeData(storage.id);
  }

  /** Makes the current scope follow the async context (Node's AsyncLocalStorage). */
  useAsyncContext(context: AsyncContext<Scope | null>): void {
    this.asyncContext ??= context;
  }

  /** Whether concurrent async scopes are isolated from each other (true in Node). */
  get scopesFollowAsyncContext(): boolean {
    return this.asyncContext !== null;
  }

  currentScope(): Scope | null {
    return this.asyncContext ? (this.asyncContext.getStore() ?? null) : this.globalScope;
  }

  /**
   * Tensors made since the last `registerSurvivors`. Registering with the FinalizationRegistry (and
   * unregistering on dispose) cost about 0.6 µs a tensor, more than half of a small op, and most tensors
   * are disposed within the synchronous code that made them. So a tensor is registered only if it is
   * still alive when the current task's microtasks run, or when this list reaches its limit.
   */
  private readonly unregistered: Tensor[] = [];
  private sweepQueued = false;
  private readonly sweep = (): void => {
    this.sweepQueued = false;
    this.registerSurvivors();
  };

  /** Called by the Tensor constructor. */
  track(t: Tensor): void {
    this.liveTensors++;
    this.unregistered.push(t);
    if (this.unregistered.length >= UNREGISTERED_LIMIT) {
      this.registerSurvivors();
    } else if (!this.sweepQueued) {
      this.sweepQueued = true;
      queueMicrotask(this.sweep);
    }
    const scope = this.currentScope();
    if (scope) {
      scope.tensors.add(t);
      t.scope = scope;
    }
  }

  /** Puts the tensors made since the last sweep that are still alive under the garbage-collection net. */
  private registerSurvivors(): void {
    for (const t of this.unregistered) {
      if (t.isDisposed) continue;
      this.finalizer.register(t, { storage: t.storage, id: t.id, dtype: t.dtype, shape: t.shape }, t);
      t.underCollectionNet = true;
    }
    this.unregistered.length = 0;
  }

  /** Called by `Tensor.dispose()`. */
  untrack(t: Tensor): void {
    this.liveTensors--;
    if (t.underCollectionNet) this.finalizer.unregister(t);
    this.detachFromScopes(t);
  }

  /** Removes a tensor from its scope, so no `tidy` disposes it (its owner does). */
  detachFromScopes(t: Tensor): void {
    t.scope?.tensors.delete(t);
    t.scope = null;
  }

  /** Opens a scope inside the current one. Run its body with `runInScope`. */
  beginScope(name: string): Scope {
    const scope: Scope = { name, tensors: new Set(), parent: this.currentScope() };
    if (!this.asyncContext) this.globalScope = scope;
    return scope;
  }

  /** Runs `body` with `scope` current, for its synchronous part and (in Node) every continuation. */
  runInScope<T>(scope: Scope, body: () => T): T {
    return this.asyncContext ? this.asyncContext.run(scope, body) : body();
  }

  /**
   * Disposes every tensor created in `scope` except `keepers`, which move to the enclosing scope. With one
   * global slot, a scope that is no longer current when it ends means another scope began after it and is
   * still open: two async bodies interleaved. Nothing is disposed then (it could free the other body's
   * tensors); the tensors move to the enclosing scope and the caller gets a clear error.
   */
  endScope(scope: Scope, keepers: Set<Tensor>): void {
    const parent = scope.parent;
    const interleaved = !this.asyncContext && this.globalScope !== scope;
    if (!this.asyncContext && !interleaved) this.globalScope = parent;
    for (const t of scope.tensors) {
      if (interleaved || keepers.has(t) || t.kept) {
        t.scope = null;
        if (parent && !t.kept) {
          parent.tensors.add(t);
          t.scope = parent;
        }
      } else {
        t.dispose();
      }
    }
    scope.tensors.clear();
    if (interleaved) {
      throw new ScopeError(
        scope.name,
        `scope '${scope.name}' ended while '${this.globalScope?.name ?? '?'}', opened after it, is still open: two asynchronous tidy bodies ran at the same time. Here scopes cannot follow the async context (only Node's AsyncLocalStorage can), so run async tidy bodies one at a time (await each) — nothing was disposed`,
      );
    }
  }
}

const KEY = Symbol.for('dendrite.engine');
const holder = globalThis as unknown as Record<symbol, Engine | undefined>;

holder[KEY] ??= new Engine();
export const engine: Engine = holder[KEY];
