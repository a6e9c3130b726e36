/**
 * `deferredBackend(inner)`: the same backend, run the way a GPU runs — every kernel only enqueues its work
 * and returns an id at once, and the queue runs later (at a read, when it grows long, or on a timer). The
 * conformance suite and the training tests run on it to hold core, layers and optim to the contract's
 * rules for asynchronous backends (see backend.ts): call order, reads that wait for their writers,
 * disposal of storage that queued work still uses, no synchronous reads, no storage per literal.
 */
import type { Backend, BackendMemory, DataId, KernelTensor } from '../backend.js';
import type { DataArray, DType } from '../dtype.js';
import { BackendError } from '../errors.js';
import { OPTIONAL_KERNELS, REQUIRED_KERNELS } from '../kernel-table.js';

/** A promise of storage: the inner backend's id once the queued kernel that makes it has run. */
class PendingData {
  inner: DataId | null = null;
  freed = false;
}

export interface DeferredOptions {
  /** The queue runs by itself once it holds this many operations (a GPU's flush policy). Default 64. */
  readonly flushEvery?: number;
  /** Counts of every call the wrapper received, by method name (for tests that count uploads). */
  readonly calls?: Map<string, number>;
}

export interface DeferredBackend extends Backend {
  /** Operations waiting in the queue. */
  readonly queued: number;
  /** Runs everything queued (what a submit does). */
  flush(): void;
}

const STORAGE = new Set(['upload', 'read', 'disposeData', 'memory']);

export function deferredBackend(inner: Backend, options: DeferredOptions = {}): DeferredBackend {
  const flushEvery = options.flushEvery ?? 64;
  const queue: (() => void)[] = [];
  let failure: unknown = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const count = (method: string) => options.calls?.set(method, (options.calls.get(method) ?? 0) + 1);

  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    while (queue.length > 0) {
      const work = queue.shift()!;
      try {
        work();
      } catch (e) {
        // The error surfaces at the next read, as a GPU's would.
        failure ??= e;
      }
    }
  };

  const enqueue = (work: () => void) => {
    queue.push(work);
    if (queue.length >= flushEvery) flush();
    // A GPU makes progress without being asked: run what is queued soon, but never synchronously.
    else timer ??= setTimeout(flush, 0);
  };

  const innerId = (id: DataId, method: string): DataId => {
    const p = id as PendingData;
    if (!(p instanceof PendingData) || p.inner === null) {
      throw new BackendError(method, 'storage used before the kernel that makes it ran (queue order broken)');
    }
    return p.inner;
  };
  const unwrap = (v: unknown, method: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => unwrap(x, method));
    if (v && typeof v === 'object' && 'id' in v && (v as KernelTensor).id instanceof PendingData) {
      const t = v as KernelTensor;
      return { id: innerId(t.id, method), shape: t.shape, dtype: t.dtype };
    }
    return v;
  };

  const wrapper: Record<string, unknown> = {
    name: `${inner.name}-deferred`,
    get queued() {
      return queue.length;
    },
    flush,
    upload(values: DataArray, dtype: DType): DataId {
      count('upload');
      const out = new PendingData();
      // A GPU copies the data at the call (writeBuffer), padded to whole 32-bit words.
      const copy = values.slice() as DataArray;
      enqueue(() => {
        out.inner = inner.upload(copy, dtype);
      });
      return out;
    },
    async read(id: DataId, dtype: DType, size: number): Promise<DataArray> {
      count('read');
      const p = id as PendingData;
      await Promise.resolve(); // never synchronous
      flush();
      if (failure) {
        const e = failure;
        failure = null;
        throw e;
      }
      if (p.freed) throw new BackendError('read', 'storage was disposed before it was read');
      return inner.read(innerId(p, 'read'), dtype, size);
    },
    disposeData(id: DataId): void {
      count('disposeData');
      const p = id as PendingData;
      if (p.freed) return;
      p.freed = true;
      // Queued work that still reads `id` runs first: disposal takes its place in the queue.
      enqueue(() => {
        if (p.inner !== null) inner.disposeData(p.inner);
      });
    },
    memory(): BackendMemory {
      // A diagnostic, not a kernel: report the state once queued work (disposals included) has run.
      flush();
      return inner.memory();
    },
    dispose(): void {
      flush();
      inner.dispose?.();
    },
    info(): Record<string, unknown> {
      return { ...inner.info?.(), deferred: true, queued: queue.length };
    },
  };

  const innerMethods = inner as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of [...REQUIRED_KERNELS, ...OPTIONAL_KERNELS]) {
    if (STORAGE.has(method) || typeof innerMethods[method] !== 'function') continue;
    wrapper[method] = (...args: unknown[]) => {
      count(method);
      if (method === 'optimizerUpdate') {
        const state = args[3] as readonly unknown[];
        const param = new PendingData();
        const states = state.map(() => new PendingData());
        enqueue(() => {
          const r = innerMethods[method](...args.map((a) => unwrap(a, method))) as {
            param: DataId;
            state: DataId[];
          };
          param.inner = r.param;
          r.state.forEach((s, i) => {
            states[i].inner = s;
          });
        });
        return { param, state: states };
      }
      if (method === 'lstmSequenceGrad' || method === 'batchNormTrainingGrad') {
        // Six (three) gradients, each a promise of the queued kernel's output.
        const outs = Array.from({ length: method === 'lstmSequenceGrad' ? 6 : 3 }, () => new PendingData());
        enqueue(() => {
          const ids = innerMethods[method](...args.map((a) => unwrap(a, method))) as DataId[];
          ids.forEach((id, i) => {
            outs[i].inner = id;
          });
        });
        return outs;
      }
      const out = new PendingData();
      enqueue(() => {
        out.inner = innerMethods[method](...args.map((a) => unwrap(a, method))) as DataId;
      });
      return out;
    };
  }
  return wrapper as unknown as DeferredBackend;
}
