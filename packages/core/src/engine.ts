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
import type { Tensor } from './tensor.js';

/** A block of backend storage and how many tensor handles share it. */
export interface Storage {
  readonly backend: Backend;
  readonly id: DataId;
  readonly bytes: number;
  refs: number;
}

export interface Scope {
  readonly name: string;
  readonly tensors: Set<Tensor>;
}

interface CollectedTensor {
  readonly storage: Storage;
  readonly description: string;
}

export class Engine {
  scopes: Scope[] = [];
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
      console.warn(`dendrite: tensor ${held.description} was garbage collected without dispose()`);
  });

  newStorage(backend: Backend, id: DataId, dtype: DType, size: number): Storage {
    return { backend, id, bytes: size * bytesPerElement(dtype), refs: 1 };
  }

  releaseStorage(storage: Storage): void {
    storage.refs--;
    if (storage.refs === 0) storage.backend.disposeData(storage.id);
  }

  /** Called by the Tensor constructor. */
  track(t: Tensor): void {
    this.liveTensors++;
    this.finalizer.register(t, { storage: t.storage, description: `#${t.id} ${t.dtype}[${t.shape}]` }, t);
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.tensors.add(t);
  }

  /** Called by `Tensor.dispose()`. */
  untrack(t: Tensor): void {
    this.liveTensors--;
    this.finalizer.unregister(t);
    this.detachFromScopes(t);
  }

  /** Removes a tensor from every scope, so no `tidy` disposes it (its owner does). */
  detachFromScopes(t: Tensor): void {
    for (let i = this.scopes.length - 1; i >= 0; i--) this.scopes[i].tensors.delete(t);
  }

  beginScope(name: string): Scope {
    const scope: Scope = { name, tensors: new Set() };
    this.scopes.push(scope);
    return scope;
  }

  /** Disposes every tensor created in `scope` except `keepers`, which move to the enclosing scope. */
  endScope(scope: Scope, keepers: Set<Tensor>): void {
    const at = this.scopes.lastIndexOf(scope);
    if (at >= 0) this.scopes.splice(at, 1);
    const parent = at > 0 ? this.scopes[at - 1] : undefined;
    for (const t of scope.tensors) {
      if (keepers.has(t) || t.kept) {
        if (parent && !t.kept) parent.tensors.add(t);
      } else {
        t.dispose();
      }
    }
    scope.tensors.clear();
  }
}

const KEY = Symbol.for('dendrite.engine');
const holder = globalThis as unknown as Record<symbol, Engine | undefined>;

holder[KEY] ??= new Engine();
export const engine: Engine = holder[KEY];
