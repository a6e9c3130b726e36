/**
 * The backend registry: backends register a factory under a name with a priority; `setBackend` and
 * `useBestBackend` initialise them (possibly asynchronously) and make one current. Tensors remember the
 * backend that owns their storage, and ops refuse to mix backends.
 */
import type { Backend, BackendFactory } from './backend.js';
import { BackendError, renamed } from './errors.js';
import { checkKernelTable } from './kernel-table.js';

interface Registration {
  readonly name: string;
  readonly factory: BackendFactory;
  readonly priority: number;
  instance?: Backend;
  pending?: Promise<Backend>;
  failure?: string;
}

interface RegistryState {
  readonly entries: Map<string, Registration>;
  current: Backend | null;
}

const KEY = Symbol.for('dendrite.registry');
const holder = globalThis as unknown as Record<symbol, RegistryState | undefined>;
holder[KEY] ??= { entries: new Map(), current: null };
const state: RegistryState = holder[KEY];

/**
 * Makes a backend available by name. Higher `priority` wins in `useBestBackend()` with no list and in the
 * lazy default. Registering a name again replaces the factory (and disposes an initialised instance).
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  const old = state.entries.get(name);
  if (old?.instance) {
    if (state.current === old.instance) state.current = null;
    old.instance.dispose?.();
  }
  state.entries.set(name, { name, factory, priority });
}

export function removeBackend(name: string): void {
  const entry = state.entries.get(name);
  if (!entry) return;
  if (entry.instance) {
    if (state.current === entry.instance) state.current = null;
    entry.instance.dispose?.();
  }
  state.entries.delete(name);
}

export function registeredBackends(): string[] {
  return [...state.entries.values()].sort((a, b) => b.priority - a.priority).map((e) => e.name);
}

function describeAvailability(): string {
  const parts = [...state.entries.values()].map((e) =>
    e.failure
      ? `${e.name} (failed: ${e.failure})`
      : e.instance
        ? `${e.name} (ready)`
        : `${e.name} (registered)`,
  );
  return parts.length ? parts.join(', ') : 'none — import a backend package, e.g. @dendrite/backend-cpu';
}

/** Initialises (once) and returns the named backend without making it current. */
export async function initBackend(name: string): Promise<Backend> {
  try {
    return await initialise(name);
  } catch (e) {
    throw renamed('initBackend', e, false);
  }
}

/** initBackend's work; its errors name setBackend (the usual caller) and are renamed for the others. */
async function initialise(name: string): Promise<Backend> {
  const entry = state.entries.get(name);
  if (!entry) {
    throw new BackendError(
      'setBackend',
      `no backend named '${name}' is registered; available: ${describeAvailability()}`,
    );
  }
  if (entry.instance) return entry.instance;
  if (entry.failure && !entry.pending) entry.failure = undefined; // try again
  entry.pending ??= (async () => {
    try {
      const backend = await entry.factory();
      try {
        checkKernelTable(name, backend);
      } catch (e) {
        backend.dispose?.();
        throw e;
      }
      entry.instance = backend;
      entry.failure = undefined;
      return backend;
    } catch (e) {
      entry.failure = e instanceof Error ? e.message : String(e);
      throw new BackendError('setBackend', `backend '${name}' failed to initialise: ${entry.failure}`);
    } finally {
      entry.pending = undefined;
    }
  })();
  return entry.pending;
}

/** Initialises the named backend and makes it current for new tensors. */
export async function setBackend(name: string): Promise<Backend> {
  const backend = await initialise(name);
  state.current = backend;
  return backend;
}

/**
 * Tries `names` in order (default: every registered backend by priority) and makes the first that
 * initialises current. Fails with every reason when none does.
 */
export async function useBestBackend(names: readonly string[] = registeredBackends()): Promise<Backend> {
  const reasons: string[] = [];
  for (const name of names) {
    if (!state.entries.has(name)) {
      reasons.push(`${name}: not registered`);
      continue;
    }
    try {
      return await setBackend(name);
    } catch (e) {
      reasons.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new BackendError(
    'useBestBackend',
    `no backend could be initialised (${reasons.join('; ') || 'none given'})`,
  );
}

/**
 * The current backend. With none set yet, initialises the highest-priority registered backend whose
 * factory is synchronous (CPU-style backends), so simple scripts need no `await setBackend()`.
 */
export function getBackend(): Backend {
  if (state.current) return state.current;
  for (const name of registeredBackends()) {
    const entry = state.entries.get(name)!;
    if (entry.instance) {
      state.current = entry.instance;
      return entry.instance;
    }
    if (entry.failure || entry.pending) continue;
    const made = entry.factory();
    if (!(made instanceof Promise)) {
      try {
        checkKernelTable(name, made);
      } catch (e) {
        entry.failure = e instanceof Error ? e.message : String(e);
        made.dispose?.();
        throw e;
      }
      entry.instance = made;
      state.current = made;
      return made;
    }
    // An asynchronous backend cannot be the lazy default; let its initialisation finish for a later setBackend.
    entry.pending = made.then(
      (b) => {
        checkKernelTable(name, b);
        entry.instance ??= b;
        entry.pending = undefined;
        return b;
      },
      (e: unknown) => {
        entry.failure = e instanceof Error ? e.message : String(e);
        entry.pending = undefined;
        throw new BackendError('setBackend', `backend '${name}' failed to initialise: ${entry.failure}`);
      },
    );
    entry.pending.catch(() => {});
  }
  throw new BackendError(
    'getBackend',
    `no backend is ready; call 'await setBackend(name)' first. Available: ${describeAvailability()}`,
  );
}

/** The named backend if it was initialised; throws otherwise. Used by `tensor.to(name)`. */
export function getInitializedBackend(name: string): Backend | undefined {
  return state.entries.get(name)?.instance;
}

export function currentBackendName(): string | null {
  return state.current?.name ?? null;
}
