/**
 * The only checks this backend makes, those that protect its own memory: core validates every shape,
 * dtype and attribute before a kernel runs (the contract lets kernels trust them), but the C side reads
 * and writes whatever block and element count it is handed. So a kernel tensor must be live storage of
 * this backend whose element count and dtype are what its shape says. (Index ranges of gather and
 * scatter-add are checked by the kit's loops, before anything is written.)
 */
import { BackendError, type DType, type KernelTensor, MAX_ELEMENTS, sizeOf } from '@dendrite/core';
import type { LiveBlocks } from './live-blocks.js';
import { WasmData } from './wasm-data.js';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** The block behind `t`, after checking it is live in `live` and holds `t`'s elements and dtype. */
export function liveData(op: string, live: LiveBlocks, t: KernelTensor, what: string): WasmData {
  const d = t.id;
  if (!(d instanceof WasmData) || d.freed || !live.has(d)) {
    throw new BackendError(op, `${what} is not live storage of this wasm backend`);
  }
  const n = sizeOf(t.shape);
  if (t.dtype !== d.dtype || n !== d.size) {
    throw new BackendError(
      op,
      `${what} ${t.dtype}${fmt(t.shape)} has ${n} elements but its storage holds ${d.size} ${d.dtype}`,
    );
  }
  return d;
}

/** The block behind `id` for a read of `size` elements of `dtype`. */
export function liveBlock(op: string, live: LiveBlocks, id: unknown, dtype: DType, size: number): WasmData {
  if (!(id instanceof WasmData) || id.freed || !live.has(id))
    throw new BackendError(op, 'not live storage of this wasm backend');
  if (id.dtype !== dtype || id.size !== size)
    throw new BackendError(op, `storage holds ${id.size} ${id.dtype}, asked for ${size} ${dtype}`);
  return id;
}

/** Refuses an output larger than the heap can address (core's MAX_ELEMENTS, the limit of every backend). */
export function checkElements(op: string, n: number): void {
  if (!(n <= MAX_ELEMENTS))
    throw new BackendError(op, `${n} elements are more than 2^30, core's MAX_ELEMENTS`);
}
