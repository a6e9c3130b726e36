/**
 * Reductions. The input is viewed as [outer, reduced, inner] after moving the reduced axes together:
 * when they are contiguous (the common case: last axes, or leading axes) no copy is made; otherwise the
 * input is transposed first.
 */
import type { ArgReduceOp, DataArray, ReduceOp, Shape } from '@dendrite/core';
import { transpose } from './transpose.js';

/** Any numeric typed array (float64 accumulators included). */
type Numbers = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The reduction's identity; integer arrays cannot hold ±Infinity, so they get the int32 extremes. */
function identityOf(op: ReduceOp, integer: boolean): number {
  if (op === 'sum') return 0;
  if (op === 'prod') return 1;
  if (integer) return op === 'max' ? -(2 ** 31) : 2 ** 31 - 1;
  return op === 'max' ? -Infinity : Infinity;
}

/** Reduces `x` over `axes` into `out` (shape: x without those axes). */
export function reduce(op: ReduceOp, x: Numbers, shape: Shape, axes: readonly number[], out: Numbers): void {
  let data = x;
  let dims = shape;
  let ax = axes;
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (!contiguous) {
    // Move reduced axes to the end.
    const perm = [...shape.map((_, i) => i).filter((i) => !axes.includes(i)), ...axes];
    dims = perm.map((p) => shape[p]);
    data = transpose(x as DataArray, shape, perm, dims);
    ax = axes.map((_, i) => shape.length - axes.length + i);
  }
  let outer = 1;
  let red = 1;
  let inner = 1;
  for (let i = 0; i < dims.length; i++) {
    if (i < ax[0]) outer *= dims[i];
    else if (i <= ax[ax.length - 1]) red *= dims[i];
    else inner *= dims[i];
  }
  if (ax.length === 0) {
    out.set(data);
    return;
  }
  out.fill(identityOf(op, out instanceof Int32Array));
  for (let o = 0; o < outer; o++) {
    const base = o * red * inner;
    const ob = o * inner;
    for (let r = 0; r < red; r++) {
      const rb = base + r * inner;
      switch (op) {
        case 'sum':
          for (let i = 0; i < inner; i++) out[ob + i] += data[rb + i];
          break;
        case 'prod':
          for (let i = 0; i < inner; i++) out[ob + i] *= data[rb + i];
          break;
        case 'max':
          for (let i = 0; i < inner; i++) {
            const v = data[rb + i];
            if (v > out[ob + i] || Number.isNaN(v)) out[ob + i] = v;
          }
          break;
        case 'min':
          for (let i = 0; i < inner; i++) {
            const v = data[rb + i];
            if (v < out[ob + i] || Number.isNaN(v)) out[ob + i] = v;
          }
          break;
      }
    }
  }
}

/** Sums in float64 for float32 data, so long reductions do not drift. */
export function sumFloat(x: Float32Array, shape: Shape, axes: readonly number[], out: Float32Array): void {
  const acc = new Float64Array(out.length);
  reduce('sum', x, shape, axes, acc);
  out.set(acc);
}

/** Index of the first extreme along `axis`. */
export function argReduce(op: ArgReduceOp, x: DataArray, shape: Shape, axis: number, out: Int32Array): void {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const n = shape[axis];
  const isMax = op === 'argmax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base];
      let bestAt = 0;
      for (let r = 1; r < n; r++) {
        const v = x[base + r * inner];
        if (Number.isNaN(best)) break; // NaN wins, as in PyTorch
        if (isMax ? v > best || Number.isNaN(v) : v < best || Number.isNaN(v)) {
          best = v;
          bestAt = r;
        }
      }
      out[o * inner + i] = bestAt;
    }
  }
}
