/**
 * Reductions and arg-reductions, in TypeScript. The input is read as [outer, reduced, inner] (reduced
 * axes that are not contiguous are first moved last by the transpose kernel). The module's Sum/Max/Min/
 * Prod only reduce the innermost axis, accumulate float sums in float32 and read out of bounds on empty
 * reductions; a bias gradient (sum over leading axes) would need a transpose first. Sums here accumulate
 * in float64.
 */
import type { ArgReduceOp, ReduceOp } from '@dendrite/core';

type Arr = Float32Array | Int32Array | Uint8Array;

function identityOf(op: ReduceOp, out: Arr): number {
  if (op === 'sum') return 0;
  if (op === 'prod') return 1;
  if (!(out instanceof Float32Array)) return op === 'max' ? -(2 ** 31) : 2 ** 31 - 1;
  return op === 'max' ? -Infinity : Infinity;
}

/** Reduces `x` viewed as [outer, red, inner] over its middle axis into `out` [outer, inner]. */
export function reduce3(op: ReduceOp, x: Arr, outer: number, red: number, inner: number, out: Arr): void {
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

/** Each of `rows` contiguous runs of `n` reduces to one value. */
function reduceRows(op: ReduceOp, x: Arr, rows: number, n: number, out: Arr): void {
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

/** Index of the first extreme along the middle axis of [outer, n, inner]; NaN counts as the extreme. */
export function argReduce3(
  op: ArgReduceOp,
  x: Arr,
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
