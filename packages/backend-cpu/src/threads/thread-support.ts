/**
 * What a build can do about threads. The Node build (the package's "node" export condition) spawns
 * worker_threads; the default build, the one browsers get, runs on one thread and can say why.
 */
import type { SpawnWorkers } from './thread-pool.js';

export interface ThreadSupport {
  /** Threads when the caller does not choose. */
  defaultThreads(): number;
  /** Why workers cannot run here, or null when they can. */
  unavailable(): string | null;
  /** Starts workers; null where they cannot run. */
  readonly spawn: SpawnWorkers | null;
  /** Fewest multiply-adds an op needs to be split (default PARALLEL_MIN_MACS); tests lower it. */
  readonly minParallelMacs?: number;
}

/** The default build: one thread, everywhere. */
export const singleThreaded: ThreadSupport = {
  defaultThreads: () => 1,
  unavailable: whyNoThreads,
  spawn: null,
};

function whyNoThreads(): string {
  const g = globalThis as {
    process?: { versions?: { node?: string } };
    document?: unknown;
    crossOriginIsolated?: boolean;
  };
  if (typeof g.process?.versions?.node === 'string') {
    return 'this is the single-threaded build; under Node the package\'s "node" export condition loads the threaded one';
  }
  if (g.document !== undefined) return 'a browser main thread cannot block while workers compute';
  if (g.crossOriginIsolated !== true) return 'SharedArrayBuffer needs a cross-origin isolated context';
  return 'worker threads are implemented for Node only; this build runs on one thread';
}
