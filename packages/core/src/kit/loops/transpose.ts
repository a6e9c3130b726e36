/**
 * Axis permutation: `out.shape[i] = shape[perm[i]]`. The permutation is simplified first
 * (geometry/axes.ts), so most transposes run as a tiled (batched) matrix transpose; the rest as an
 * odometer over the output with the input offset advanced incrementally. A copy: no rounding.
 */
import type { DataArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { isMatrixTranspose, simplifyPermutation } from '../geometry/axes.js';

export function transpose(x: DataArray, shape: Shape, perm: readonly number[], out: DataArray): void {
  if (out.length === 0) return;
  const s = simplifyPermutation(shape, perm);
  transposeSimplified(x, s.shape, s.perm, out);
}

/** `transpose` of an already simplified (shape, perm) pair. */
export function transposeSimplified(
  x: DataArray,
  shape: Shape,
  perm: readonly number[],
  out: DataArray,
): void {
  if (perm.every((p, i) => p === i)) {
    out.set(x.subarray(0, out.length));
    return;
  }
  const [batch, rows, cols] = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
  // Tiles pay when both sides are long; a thin matrix streams faster row by row.
  if (isMatrixTranspose(perm) && rows >= 2 * TILE && cols >= 2 * TILE) {
    for (let b = 0, off = 0; b < batch; b++, off += rows * cols) transposeTiled(x, out, off, rows, cols);
    return;
  }
  transposeOdometer(x, shape, perm, out);
}

const TILE = 16;

/** out[off + j*rows + i] = x[off + i*cols + j], in TILE × TILE tiles so reads and writes stay in cache. */
function transposeTiled(x: DataArray, out: DataArray, off: number, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        for (
          let j = j0, src = off + i * cols + j0, dst = off + j0 * rows + i;
          j < j1;
          j++, src++, dst += rows
        ) {
          out[dst] = x[src];
        }
      }
    }
  }
}

function transposeOdometer(x: DataArray, shape: Shape, perm: readonly number[], out: DataArray): void {
  const r = shape.length;
  const inStrides = new Array<number>(r);
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= shape[i];
  }
  const outShape = perm.map((p) => shape[p]);
  const step = perm.map((p) => inStrides[p]);
  const n = outShape[r - 1];
  const s = step[r - 1];
  const idx = new Array<number>(r).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o += n) {
    for (let i = 0, j = src; i < n; i++, j += s) out[o + i] = x[j];
    for (let ax = r - 2; ax >= 0; ax--) {
      idx[ax]++;
      src += step[ax];
      if (idx[ax] < outShape[ax]) break;
      src -= step[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}
