/** Shared test helpers: a fresh CPU backend per file, and a leak check around a body. */
import { registerBackend, setBackend } from '@dendrite/core';
import { inject } from 'vitest';
import { CpuBackend, type CpuBackendOptions } from '../src/cpu-backend.js';
import { nodeThreads } from '../src/node/node-threads.js';

/**
 * The backend of the Node build (worker threads for large products), its workers running a build of these
 * very sources (see build-threaded.ts). `minParallelMacs` 0 splits every product that can be split.
 */
export function createThreadedCpu(options: CpuBackendOptions = {}, minParallelMacs?: number): CpuBackend {
  return new CpuBackend(options, { ...nodeThreads(workerUrl()), minParallelMacs });
}

export function workerUrl(): URL {
  const dir = inject('threadedBuild');
  return new URL('cpu-worker.js', dir.endsWith('/') ? dir : `${dir}/`);
}

/** Registers and selects the CPU backend as Node users get it: default threads. */
export async function useCpu(name = 'cpu'): Promise<void> {
  registerBackend(name, () => createThreadedCpu({ name }), 1);
  await setBackend(name);
}

export { expectNoLeak } from '@dendrite/test-utils';

export async function values(t: { data(): Promise<ArrayLike<number>> }): Promise<number[]> {
  return Array.from(await t.data());
}
