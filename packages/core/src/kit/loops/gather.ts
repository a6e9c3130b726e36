/**
 * Gather along an axis and its adjoint, scatter-add, over `[outer, n, inner]` (geometry/axes.ts
 * `splitAt`). Indices are checked here, where the data is (core cannot see them on an asynchronous
 * backend): an index outside `[0, n)` would read or write outside the tensor. scatter-add sums in float32
 * in index order (as PyTorch's CPU `index_add`).
 */
import type { DataArray } from '../../dtype.js';
import { BackendError } from '../../errors.js';

/** Throws a BackendError naming `op` for the first index outside `[0, n)`. */
export function checkIndices(op: string, indices: Int32Array, n: number): void {
  for (let k = 0; k < indices.length; k++) {
    const v = indices[k];
    if (v < 0 || v >= n)
      throw new BackendError(
        op,
        `index ${v} is out of range for an axis of size ${n} (at position ${k} of the indices)`,
      );
  }
}

/** `x` `[outer, n, inner]` gathered at `indices` into `out` `[outer, indices.length, inner]`. */
export function gather(
  x: DataArray,
  outer: number,
  n: number,
  inner: number,
  indices: Int32Array,
  out: DataArray,
): void {
  checkIndices('gather', indices, n);
  const m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < m; k++) {
      const src = (o * n + indices[k]) * inner;
      const dst = (o * m + k) * inner;
      if (inner === 1) out[dst] = x[src];
      else out.set(x.subarray(src, src + inner), dst);
    }
  }
}

/** Zeroes `out` `[outer, n, inner]` and adds every slice of `updates` `[outer, m, inner]` at `indices`. */
export function scatterAdd(
  updates: Float32Array,
  outer: number,
  n: number,
  inner: number,
  indices: Int32Array,
  out: Float32Array,
): void {
  checkIndices('scatterAdd', indices, n);
  const m = indices.length;
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < m; k++) {
      const dst = (o * n + indices[k]) * inner;
      const src = (o * m + k) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += updates[src + i];
    }
  }
}
