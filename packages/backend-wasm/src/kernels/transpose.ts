/**
 * Axis permutation. The permutation is first simplified (size-1 axes dropped, input axes that stay
 * neighbours merged), so most transposes become 2-D or batched 2-D. Those run as a tiled loop in
 * TypeScript when they have more than 64 rows (1024×1024: 3.4 ms against 7.9 for the module's Transpose,
 * whose loop writes with a stride of a full row) and on the module's kernel otherwise (64×16384: 0.9
 * against 1.7 ms); other permutations up to rank 4 use the module's kernel, higher ranks a TypeScript
 * odometer (the module's N-d path allocates index vectors per element).
 */
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { product } from './broadcast.js';

const DTYPE_CODE = { float32: 0, int32: 1, bool: 2 } as const;

/** The simplest equivalent (shape, perm) pair. */
export function simplifyPermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  // Drop size-1 axes.
  const keep = shape.map((d) => d !== 1);
  const renumber: number[] = [];
  let next = 0;
  for (let i = 0; i < shape.length; i++) renumber.push(keep[i] ? next++ : -1);
  const s1 = shape.filter((_, i) => keep[i]);
  const p1 = perm.filter((p) => keep[p]).map((p) => renumber[p]);
  // Merge runs p, p+1, … that appear in order in the permutation.
  const groups: number[][] = [];
  for (const p of p1) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1] + 1 === p) g.push(p);
    else groups.push([p]);
  }
  const order = groups.map((g) => g[0]).sort((a, b) => a - b);
  const newShape = order.map((first) =>
    product(s1, first, first + groups.find((g) => g[0] === first)!.length),
  );
  const newPerm = groups.map((g) => order.indexOf(g[0]));
  return { shape: newShape, perm: newPerm };
}

export function transposeKernel(
  k: KernelScope,
  x: WasmData,
  shape: readonly number[],
  perm: readonly number[],
  out: WasmData,
): void {
  if (out.size === 0) return;
  const s = simplifyPermutation(shape, perm);
  if (s.perm.every((p, i) => p === i)) {
    k.view(out).set(k.view(x));
    return;
  }
  const batched2d =
    (s.perm.length === 2 && s.perm[0] === 1) ||
    (s.perm.length === 3 && s.perm[0] === 0 && s.perm[1] === 2 && s.perm[2] === 1);
  if (batched2d && s.shape[s.shape.length - 2] > 64) {
    const [batch, rows, cols] = s.shape.length === 2 ? [1, s.shape[0], s.shape[1]] : s.shape;
    const src = k.view(x);
    const dst = k.view(out);
    for (let b = 0, off = 0; b < batch; b++, off += rows * cols) transposeTiled(src, dst, off, rows, cols);
    return;
  }
  if (s.shape.length <= 4) {
    k.call(
      'Transpose',
      x.cid,
      k.ints(s.shape),
      s.shape.length,
      DTYPE_CODE[x.dtype],
      out.cid,
      k.ints(s.perm),
      s.perm.length,
    );
    return;
  }
  transposeTs(k.view(x), s.shape, s.perm, k.view(out));
}

const TILE = 16;

/** out[off + j*rows + i] = x[off + i*cols + j], in TILE × TILE tiles so reads and writes stay in cache. */
function transposeTiled(
  x: Float32Array | Int32Array | Uint8Array,
  out: Float32Array | Int32Array | Uint8Array,
  off: number,
  rows: number,
  cols: number,
): void {
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

function transposeTs(
  x: Float32Array | Int32Array | Uint8Array,
  shape: readonly number[],
  perm: readonly number[],
  out: Float32Array | Int32Array | Uint8Array,
): void {
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
