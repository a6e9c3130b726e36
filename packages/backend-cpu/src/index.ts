/**
 * @dendrite/backend-cpu — the pure-TypeScript backend. Importing it registers nothing (the package is
 * side-effect free): call `registerCpuBackend()`, or import `@dendrite/backend-cpu/register`.
 *
 * This is the default build, the one browsers get: it runs on one thread. Under Node the package's "node"
 * export condition loads `node.ts` instead, the same API with worker threads for large products.
 */
import { registerBackend } from '@dendrite/core';
import { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';

export { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';

/** A new CPU backend instance (the factory to register); a string is its name. */
export function createCpuBackend(options?: string | CpuBackendOptions): CpuBackend {
  return new CpuBackend(options);
}

/** Registers the CPU backend as `options.name` ?? 'cpu' (priority 1: the fallback below wasm and webgpu). */
export function registerCpuBackend(priority = 1, options: CpuBackendOptions = {}): void {
  const name = options.name ?? 'cpu';
  registerBackend(name, () => createCpuBackend({ ...options, name }), priority);
}
