/**
 * Walking an output shape while tracking the matching offsets in broadcast operands. The innermost axis
 * is left to the caller's row loop, so per-element work has no index arithmetic.
 */
import type { Shape } from '@dendrite/core';

/** Strides of `shape` aligned to `outShape`'s rank, 0 on broadcast (size-1 or missing) axes. */
export function broadcastStrides(shape: Shape, outShape: Shape): Int32Array {
  const r = outShape.length;
  const s = new Int32Array(r);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = r - shape.length + i;
    s[oi] = shape[i] === 1 && outShape[oi] !== 1 ? 0 : acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Calls `row(offsets, outOffset, n)` once per row of the last axis of `outShape`, with each operand's
 * starting offset; each operand's step along that row is `strides[k][rank - 1]`.
 */
export function forEachRow(
  outShape: Shape,
  strides: readonly Int32Array[],
  row: (offsets: Int32Array, outOffset: number, n: number) => void,
): void {
  const r = outShape.length;
  const k = strides.length;
  const offsets = new Int32Array(k);
  if (r === 0) {
    row(offsets, 0, 1);
    return;
  }
  const n = outShape[r - 1];
  let rows = 1;
  for (let i = 0; i < r - 1; i++) rows *= outShape[i];
  if (n === 0 || rows === 0) return;
  const idx = new Int32Array(r);
  for (let rowIndex = 0; rowIndex < rows; rowIndex++) {
    row(offsets, rowIndex * n, n);
    // odometer over the outer axes
    for (let ax = r - 2; ax >= 0; ax--) {
      idx[ax]++;
      for (let j = 0; j < k; j++) offsets[j] += strides[j][ax];
      if (idx[ax] < outShape[ax]) break;
      for (let j = 0; j < k; j++) offsets[j] -= strides[j][ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}
