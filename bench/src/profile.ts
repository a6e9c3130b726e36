/**
 * `--profile`: where a Dendrite step's time goes. The backend is wrapped so that every kernel call is
 * timed; a step's wall time then splits into GEMM and convolution kernels, other kernels, storage
 * (upload, read, fill, dispose) and the rest, which is the framework's own overhead: op dispatch and
 * validation, autograd bookkeeping, JavaScript between kernels. Kernels of the CPU and WebAssembly
 * backends are synchronous, so a call's duration is its work; on an asynchronous backend it would be
 * only the time to enqueue.
 */
import type { Backend } from '@dendrite/core';

export type KernelCategory = 'gemm/conv' | 'other kernels' | 'storage';

/** The kernels whose work is the step's useful FLOPs (matrix products and convolutions). */
const GEMM_LIKE = new Set([
  'matmul',
  'fusedMatmul',
  'conv2d',
  'fusedConv2d',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
]);
const STORAGE = new Set(['upload', 'read', 'readSync', 'disposeData', 'fill', 'memory']);

export function categoryOf(kernel: string): KernelCategory {
  if (GEMM_LIKE.has(kernel)) return 'gemm/conv';
  if (STORAGE.has(kernel)) return 'storage';
  return 'other kernels';
}

export interface KernelTotals {
  calls: number;
  ms: number;
}

/** Time and calls per kernel since the last `reset`. */
export class KernelProfile {
  readonly kernels = new Map<string, KernelTotals>();

  record(kernel: string, ms: number): void {
    const t = this.kernels.get(kernel) ?? { calls: 0, ms: 0 };
    t.calls++;
    t.ms += ms;
    this.kernels.set(kernel, t);
  }

  reset(): void {
    this.kernels.clear();
  }
}

/**
 * `backend` with every method timed into `profile`. Methods are called on the real backend, so calls a
 * backend makes to itself are not counted twice; methods it lacks stay absent (the registry and core's
 * optional-kernel defaults look at which exist).
 */
export function profiledBackend(backend: Backend, profile: KernelProfile): Backend {
  return new Proxy(backend, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string' || key === 'info' || key === 'dispose')
        return value;
      return (...args: unknown[]) => {
        const start = performance.now();
        try {
          return value.apply(target, args);
        } finally {
          profile.record(key, performance.now() - start);
        }
      };
    },
  });
}

/** One step's time split as above, in ms per step (means over the profiled steps). */
export interface StepProfile {
  readonly steps: number;
  readonly stepMs: number;
  readonly byCategory: Readonly<Record<KernelCategory | 'framework', number>>;
  /** The kernels that took the most time, ms and calls per step. */
  readonly top: readonly { kernel: string; ms: number; calls: number }[];
  readonly kernelCallsPerStep: number;
}

export function summarise(profile: KernelProfile, steps: number, totalMs: number): StepProfile {
  const byCategory = { 'gemm/conv': 0, 'other kernels': 0, storage: 0, framework: 0 };
  let calls = 0;
  for (const [kernel, t] of profile.kernels) {
    byCategory[categoryOf(kernel)] += t.ms / steps;
    calls += t.calls;
  }
  const stepMs = totalMs / steps;
  byCategory.framework = Math.max(
    0,
    stepMs - byCategory['gemm/conv'] - byCategory['other kernels'] - byCategory.storage,
  );
  const top = [...profile.kernels]
    .map(([kernel, t]) => ({ kernel, ms: t.ms / steps, calls: t.calls / steps }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return { steps, stepMs, byCategory, top, kernelCallsPerStep: calls / steps };
}
