/** Threads under Node: worker_threads running the worker entry at `workerUrl`, one thread per core by default. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThreadSupport } from '../threads/thread-support.js';
import type { WorkerData } from '../threads/worker-loop.js';

export function nodeThreads(workerUrl: URL): ThreadSupport {
  return {
    defaultThreads: () => availableParallelism(),
    unavailable: () => null,
    spawn: (count, shared, onExit) => {
      const workers: Worker[] = [];
      try {
        for (let index = 0; index < count; index++) {
          // No inherited execArgv: the worker runs plain compute code, whatever flags (loaders,
          // inspectors) the process was started with.
          const workerData: WorkerData = { ...shared, index };
          const worker = new Worker(workerUrl, { workerData, execArgv: [], name: 'dendrite-cpu' });
          worker.unref(); // never keeps the process alive
          let error: unknown;
          worker.on('error', (e) => {
            error = e;
          });
          worker.on('exit', () => onExit(index, error));
          workers.push(worker);
        }
      } catch (e) {
        for (const w of workers) void w.terminate();
        throw e;
      }
      return workers;
    },
  };
}
