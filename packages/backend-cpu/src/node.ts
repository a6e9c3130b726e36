/**
 * @dendrite/backend-cpu for Node (the package's "node" export condition): the API of the default build,
 * with large matmuls and convolutions split between worker_threads — by default one thread per core.
 * The workers are unref'd (they never keep the process alive) and stop on the backend's `dispose()`.
 */
import { registerBackend } from '@dendrite/core';
import { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
import { nodeThreads } from './node/node-threads.js';

export { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';

// The worker entry is built next to this file (dist/cpu-worker.js).
const threads = nodeThreads(new URL('./cpu-worker.js', import.meta.url));

/** A new CPU backend instance (the factory to register); a string is its name. */
export function createCpuBackend(options?: string | CpuBackendOptions): CpuBackend {
  return new CpuBackend(options, threads);
}

/** Registers the CPU backend as `options.name` ?? 'cpu' (priority 1: the fallback below wasm and webgpu). */
export function registerCpuBackend(priority = 1, options: CpuBackendOptions = {}): void {
  const name = options.name ?? 'cpu';
  registerBackend(name, () => createCpuBackend({ ...options, name }), priority);
}
