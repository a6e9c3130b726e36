/**
 * Checks whose verdict needs values that live on the device (labels in range, outputs finite), made
 * without adding a synchronisation point. On a backend that reads synchronously (cpu, wasm) a check reads
 * at once and throws at the call. On an asynchronous backend (WebGPU, `deferredBackend`) reading would
 * stall the queue, so a check only enqueues kernels that reduce what it needs to a few float32 numbers —
 * its evidence — and waits here until the next read settles it: `readScalars` (the training loop's one
 * read per step) and `Tensor.data()` of a float32 tensor concatenate the evidence to the values they read
 * (one read); other dtypes read it in the same await. The error is thrown by that read.
 */
import type { Backend, DataId } from '../backend.js';
import type { DataArray, DType } from '../dtype.js';

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

/**
 * Reads `id` for a settler. When the read fails (an asynchronous backend reports a failed kernel at the
 * next read, e.g. a gather past the end), the checks' own error is the better one — it names the op the
 * user called and the value — so their evidence is read alone and judged first.
 */
export async function readOrExplain(
  backend: Backend,
  checks: readonly DeferredCheck[],
  read: () => Promise<DataArray>,
): Promise<DataArray> {
  try {
    return await read();
  } catch (readError) {
    if (checks.length === 0) throw readError;
    const size = evidenceSize(checks);
    const joined = backend.concat(
      checks.map((c) => ({ id: c.id, shape: [c.size], dtype: 'float32' as const })),
      0,
      { shape: [size], dtype: 'float32' },
    );
    let evidence: Float32Array;
    try {
      evidence = (await backend.read(joined, 'float32', size)) as Float32Array;
    } catch {
      throw readError;
    } finally {
      backend.disposeData(joined);
    }
    await judge(checks, evidence);
    throw readError;
  }
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
    const values = (await readOrExplain(backend, checks, () =>
      backend.read(joined ?? checks[0].id, 'float32', size),
    )) as Float32Array;
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

/**
 * Reads storage `id` and settles the checks waiting on `backend` with it: a float32 read carries their
 * evidence in the same buffer (one read); other dtypes read the evidence alongside, in the same await.
 */
export async function readWithChecks(
  backend: Backend,
  id: DataId,
  dtype: DType,
  size: number,
): Promise<DataArray> {
  if (dtype !== 'float32' || size === 0) {
    const [values] = await Promise.all([backend.read(id, dtype, size), settleChecks(backend)]);
    return values;
  }
  const checks = takePendingChecks(backend);
  const total = size + evidenceSize(checks);
  const joined = backend.concat(
    [{ id, shape: [size], dtype }, ...checks.map((c) => ({ id: c.id, shape: [c.size], dtype }))],
    0,
    { shape: [total], dtype },
  );
  try {
    const values = (await readOrExplain(backend, checks, () =>
      backend.read(joined, dtype, total),
    )) as Float32Array;
    await judge(checks, values.subarray(size));
    return values.slice(0, size);
  } finally {
    backend.disposeData(joined);
    for (const c of checks) backend.disposeData(c.id);
  }
}
