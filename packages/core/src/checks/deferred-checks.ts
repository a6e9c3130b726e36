/**
 * Checks whose verdict needs values that live on the device (labels in range, outputs finite), made
 * without adding a synchronisation point. On a backend that reads synchronously (cpu, wasm) a check reads
 * at once and throws at the call. On an asynchronous backend (WebGPU, `deferredBackend`) reading would
 * stall the queue, so a check only enqueues kernels that reduce what it needs to a few float32 numbers —
 * its evidence — and waits here until the next read settles it: `readScalars` (the training loop's one
 * read per step) concatenates the evidence into the values it reads, and `Tensor.data()` reads it in the
 * same await as the tensor. The error is thrown by that read.
 */
import type { Backend, DataId } from '../backend.js';

export interface DeferredCheck {
  readonly backend: Backend;
  /** float32 storage holding the evidence; freed by whoever settles the check. */
  readonly id: DataId;
  readonly size: number;
  /** The error the evidence proves, or null when the check passes. */
  verdict(evidence: Float32Array): Error | null | Promise<Error | null>;
  /** Frees what the check holds besides its evidence. */
  release?(): void;
}

const pending: DeferredCheck[] = [];

export function deferCheck(check: DeferredCheck): void {
  pending.push(check);
}

export function hasPendingChecks(backend: Backend): boolean {
  return pending.some((c) => c.backend === backend);
}

/** Removes and returns the checks waiting on `backend`, in the order they were made. */
export function takePendingChecks(backend: Backend): DeferredCheck[] {
  const mine = pending.filter((c) => c.backend === backend);
  if (mine.length > 0) {
    const rest = pending.filter((c) => c.backend !== backend);
    pending.length = 0;
    pending.push(...rest);
  }
  return mine;
}

/** Total evidence length of `checks`. */
export function evidenceSize(checks: readonly DeferredCheck[]): number {
  return checks.reduce((n, c) => n + c.size, 0);
}

/**
 * Judges `checks` given their evidence, concatenated in order: every check is released, then the first
 * failure (in the order the checks were made) is thrown.
 */
export async function judge(checks: readonly DeferredCheck[], evidence: Float32Array): Promise<void> {
  let failure: Error | null = null;
  let at = 0;
  try {
    for (const c of checks) {
      const slice = evidence.subarray(at, at + c.size);
      at += c.size;
      if (!failure) failure = await c.verdict(slice);
    }
  } finally {
    for (const c of checks) c.release?.();
  }
  if (failure) throw failure;
}

/** Reads the evidence of every check waiting on `backend` (one read) and throws the first failure. */
export async function settleChecks(backend: Backend): Promise<void> {
  const checks = takePendingChecks(backend);
  if (checks.length === 0) return;
  const size = evidenceSize(checks);
  let joined: DataId | null = null;
  try {
    joined =
      checks.length === 1
        ? null
        : backend.concat(
            checks.map((c) => ({ id: c.id, shape: [c.size], dtype: 'float32' as const })),
            0,
            { shape: [size], dtype: 'float32' },
          );
    const values = (await backend.read(joined ?? checks[0].id, 'float32', size)) as Float32Array;
    await judge(checks, values);
  } finally {
    if (joined !== null) backend.disposeData(joined);
    for (const c of checks) backend.disposeData(c.id);
  }
}

/** Settles the checks of every backend that has some (e.g. before reporting a run as clean). */
export async function settleAllChecks(): Promise<void> {
  const backends = new Set(pending.map((c) => c.backend));
  for (const b of backends) await settleChecks(b);
}
