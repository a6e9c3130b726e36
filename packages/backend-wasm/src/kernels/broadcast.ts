/**
 * Broadcasting reduced to its simplest form: operand shapes aligned to the output, size-1 output axes
 * dropped and neighbouring axes merged when every operand broadcasts them alike. Fewer, longer axes
 * keep the TypeScript loops short and the compiled kernels within their rank limits.
 */
import type { Shape } from '@dendrite/core';

export interface Collapsed {
  /** The output's collapsed shape (rank >= 1). */
  readonly out: number[];
  /** Each operand's collapsed shape, same rank as `out`, 1 on broadcast axes. */
  readonly operands: number[][];
}

export function collapseBroadcast(outShape: Shape, shapes: readonly Shape[]): Collapsed {
  const r = outShape.length;
  const aligned = shapes.map((s) => {
    const a = new Array<number>(r).fill(1);
    for (let i = 0; i < s.length; i++) a[r - s.length + i] = s[i];
    return a;
  });
  const out: number[] = [];
  const operands: number[][] = shapes.map(() => []);
  let prevPattern = '';
  for (let i = 0; i < r; i++) {
    if (outShape[i] === 1) continue;
    const pattern = aligned.map((a) => (a[i] === 1 ? '0' : '1')).join('');
    if (out.length > 0 && pattern === prevPattern) {
      out[out.length - 1] *= outShape[i];
      aligned.forEach((a, k) => {
        operands[k][operands[k].length - 1] *= a[i];
      });
    } else {
      out.push(outShape[i]);
      aligned.forEach((a, k) => {
        operands[k].push(a[i]);
      });
      prevPattern = pattern;
    }
  }
  if (out.length === 0) return { out: [1], operands: shapes.map(() => [1]) };
  return { out, operands };
}

/** Row-major strides of `shape` with 0 where the axis is broadcast against `outShape`. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const s = new Array<number>(outShape.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = outShape.length - shape.length + i;
    s[oi] = shape[i] === 1 && outShape[oi] !== 1 ? 0 : acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Calls `row(offsets, outOffset)` for every row (last axis) of `outShape`, with each operand's offset;
 * rows are `outShape[last]` long and operand `k` steps by `strides[k][last]` along them.
 */
export function forEachRow(
  outShape: readonly number[],
  strides: readonly number[][],
  row: (offsets: Int32Array, outOffset: number) => void,
): void {
  const r = outShape.length;
  const k = strides.length;
  const offsets = new Int32Array(k);
  const n = outShape[r - 1];
  let rows = 1;
  for (let i = 0; i < r - 1; i++) rows *= outShape[i];
  if (n === 0 || rows === 0) return;
  const idx = new Int32Array(r);
  for (let rowIndex = 0; rowIndex < rows; rowIndex++) {
    row(offsets, rowIndex * n);
    for (let ax = r - 2; ax >= 0; ax--) {
      idx[ax]++;
      for (let j = 0; j < k; j++) offsets[j] += strides[j][ax];
      if (idx[ax] < outShape[ax]) break;
      for (let j = 0; j < k; j++) offsets[j] -= strides[j][ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}

export function product(xs: readonly number[], from = 0, to = xs.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= xs[i];
  return p;
}
