/**
 * Reductions and arg-reductions over a tensor seen as `[outer, reduced, inner]` (geometry/axes.ts:
 * `reductionLayout`; reduced axes that are not contiguous are moved last by a transpose first).
 * Rounding: sum and prod accumulate in float64 and round once per output element; max and min are exact.
 * NaN wins max, min, argmax and argmin (the first NaN for the arg-reductions), as in PyTorch.
 */
import type { ArgReduceOp, ReduceOp } from '../../backend.js';
import type { DataArray } from '../../dtype.js';

/** The reduction's identity; integer arrays cannot hold ±Infinity, so they get the int32 extremes. */
function identityOf(op: ReduceOp, out: DataArray): number {
  if (op === 'sum') return 0;
  if (op === 'prod') return 1;
  if (!(out instanceof Float32Array)) return op === 'max' ? -(2 ** 31) : 2 ** 31 - 1;
  return op === 'max' ? -Infinity : Infinity;
}

/** Reduces `x` viewed as `[outer, red, inner]` over its middle axis into `out` `[outer, inner]`. */
export function reduce(
  op: ReduceOp,
  x: DataArray,
  outer: number,
  red: number,
  inner: number,
  out: DataArray,
): void {
  if (out.length === 0) return;
  if (red === 0) {
    out.fill(identityOf(op, out));
    return;
  }
  if (inner === 1) {
    reduceRows(op, x, outer, red, out);
    return;
  }
  const acc = op === 'sum' || op === 'prod' ? new Float64Array(inner) : null;
  for (let o = 0; o < outer; o++) {
    const base = o * red * inner;
    const ob = o * inner;
    if (acc) {
      for (let i = 0; i < inner; i++) acc[i] = x[base + i];
      for (let r = 1; r < red; r++) {
        const rb = base + r * inner;
        if (op === 'sum') for (let i = 0; i < inner; i++) acc[i] += x[rb + i];
        else for (let i = 0; i < inner; i++) acc[i] *= x[rb + i];
      }
      for (let i = 0; i < inner; i++) out[ob + i] = acc[i];
      continue;
    }
    out.set(x.subarray(base, base + inner), ob);
    for (let r = 1; r < red; r++) {
      const rb = base + r * inner;
      if (op === 'max') {
        for (let i = 0; i < inner; i++) {
          const v = x[rb + i];
          if (v > out[ob + i] || Number.isNaN(v)) out[ob + i] = v;
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const v = x[rb + i];
          if (v < out[ob + i] || Number.isNaN(v)) out[ob + i] = v;
        }
      }
    }
  }
}

/** Each of `rows` contiguous runs of `n` reduces to one value (a float64 running value). */
function reduceRows(op: ReduceOp, x: DataArray, rows: number, n: number, out: DataArray): void {
  for (let o = 0, base = 0; o < rows; o++, base += n) {
    const end = base + n;
    let acc = x[base];
    switch (op) {
      case 'sum':
        for (let i = base + 1; i < end; i++) acc += x[i];
        break;
      case 'prod':
        for (let i = base + 1; i < end; i++) acc *= x[i];
        break;
      case 'max':
        for (let i = base + 1; i < end; i++) {
          const v = x[i];
          if (v > acc || Number.isNaN(v)) acc = v;
        }
        break;
      case 'min':
        for (let i = base + 1; i < end; i++) {
          const v = x[i];
          if (v < acc || Number.isNaN(v)) acc = v;
        }
        break;
    }
    out[o] = acc;
  }
}

/** Index of the first extreme along the middle axis of `[outer, n, inner]`; NaN counts as the extreme. */
export function argReduce(
  op: ArgReduceOp,
  x: DataArray,
  outer: number,
  n: number,
  inner: number,
  out: Int32Array,
): void {
  const isMax = op === 'argmax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base];
      let at = 0;
      if (!Number.isNaN(best)) {
        for (let r = 1; r < n; r++) {
          const v = x[base + r * inner];
          if (Number.isNaN(v)) {
            at = r;
            break;
          }
          if (isMax ? v > best : v < best) {
            best = v;
            at = r;
          }
        }
      }
      out[o * inner + i] = at;
    }
  }
}
