/** The backend a suite run judges: a registered name or a factory, optionally with its optional kernels hidden. */
import {
  type Backend,
  type BackendFactory,
  initBackend,
  OPTIONAL_KERNELS,
  registerBackend,
  registeredBackends,
  removeBackend,
} from '@dendrite/core';

/** A registered backend's name, or a factory the suite registers for the run. */
export type BackendSpec = string | BackendFactory;

export interface BackendUnderTest {
  readonly name: string;
  readonly backend: Backend;
  /** Undoes what preparing did (removes a registration the suite made). */
  release(): void;
}

let counter = 0;

/**
 * `backend` without its optional kernels, so every fused op takes core's default path: the fixtures then
 * judge core's defaults against PyTorch as they judge the overrides.
 */
export function withoutOptionalKernels(backend: Backend): Backend {
  const hidden = new Set<string | symbol>(OPTIONAL_KERNELS);
  return new Proxy(backend, {
    get(target, prop) {
      if (hidden.has(prop)) return undefined;
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export async function prepareBackend(
  spec: BackendSpec,
  options: { backendName?: string; withoutOptionalKernels?: boolean },
): Promise<BackendUnderTest> {
  if (typeof spec === 'string' && !options.withoutOptionalKernels) {
    return { name: spec, backend: await initBackend(spec), release: () => {} };
  }
  const base = typeof spec === 'string' ? await initBackend(spec) : await spec();
  const backend = options.withoutOptionalKernels ? withoutOptionalKernels(base) : base;
  const wanted =
    options.backendName ?? (typeof spec === 'string' ? `${spec}-without-optional-kernels` : base.name);
  // Never replace a registration the suite did not make (that would dispose someone's backend).
  const name = registeredBackends().includes(wanted) ? `${wanted}-conformance-${++counter}` : wanted;
  registerBackend(name, () => backend, -1);
  await initBackend(name);
  return { name, backend, release: () => removeBackend(name) };
}
