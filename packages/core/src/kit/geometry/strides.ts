/**
 * Strided addressing: a view of a tensor as (shape, strides, base offset), the form a backend with
 * its own kernels (backend-webgpu's shaders) uses for every copy: expand (0 strides), transpose
 * (permuted strides), slice (a base offset), concat (an output base). `collapseStrides` is the general
 * form of `collapseBroadcast`: it merges neighbouring axes that every operand walks contiguously,
 * whatever the strides, so a transpose or a slice collapses too.
 */
import { type Shape, stridesOf } from '../../shape.js';

/** Row-major strides (core's own, re-exported so a backend finds all its geometry in the kit). */
export { stridesOf };

/** Strides over `perm`'s output axes that read `shape` row-major: output axis i walks input axis perm[i]. */
export function permutedStrides(shape: Shape, perm: readonly number[]): number[] {
  const s = stridesOf(shape);
  return perm.map((p) => s[p]);
}

/** Flat offset of the multi-index `index` under `strides`. */
export function offsetOf(index: readonly number[], strides: readonly number[]): number {
  let o = 0;
  for (let i = 0; i < index.length; i++) o += index[i] * strides[i];
  return o;
}

export interface CollapsedStrides {
  /** The collapsed shape (rank >= 1; `[1]` for a single element). */
  readonly shape: number[];
  /** Each operand's strides over the collapsed shape. */
  readonly strides: number[][];
}

/**
 * The fewest axes walking `shape` with every operand's `strides` (one array per operand, rank of
 * `shape`): size-1 axes dropped, and axis d merged into the axis before it wherever each operand's
 * stride there is its stride on d times `shape[d]` (it walks both as one run). `[64, 32, 10] + [10]`
 * becomes rank 2, same-shape operands rank 1.
 */
export function collapseStrides(shape: Shape, strides: readonly (readonly number[])[]): CollapsedStrides {
  const out: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = out.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k][last] === s[d] * shape[d])) {
      out[last] *= shape[d];
      for (let k = 0; k < strides.length; k++) st[k][last] = strides[k][d];
    } else {
      out.push(shape[d]);
      for (let k = 0; k < strides.length; k++) st[k].push(strides[k][d]);
    }
  }
  if (out.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: out, strides: st };
}
