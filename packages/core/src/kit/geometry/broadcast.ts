/**
 * Broadcasting reduced to its simplest form, and the walker every broadcasting loop runs on.
 *
 * `collapseBroadcast` aligns operand shapes to the output, drops size-1 output axes and merges neighbouring
 * axes that every operand broadcasts alike, so `[8, 1, 32, 32] + [8, 1, 1, 1]` walks as `[8, 1024] + [8, 1]`.
 * Fewer, longer axes keep TypeScript loops short and compiled kernels within their rank limits (a GPU
 * backend passes the collapsed shapes as uniforms).
 */
import type { Shape } from '../../shape.js';

export interface CollapsedBroadcast {
  /** The output's collapsed shape (rank >= 1). */
  readonly out: number[];
  /** Each operand's collapsed shape, the rank of `out`, 1 on broadcast axes. */
  readonly operands: number[][];
}

export function collapseBroadcast(outShape: Shape, shapes: readonly Shape[]): CollapsedBroadcast {
  const r = outShape.length;
  const k = shapes.length;
  let n = 1;
  for (let i = 0; i < r; i++) n *= outShape[i];
  // The common case, cheap for tiny ops: every operand is the whole output or a single element.
  let simple = true;
  for (let j = 0; j < k && simple; j++) {
    const s = shapes[j];
    let m = 1;
    for (let i = 0; i < s.length; i++) m *= s[i];
    simple = m === 1 || (m === n && s.length <= r && s.every((d, i) => d === outShape[r - s.length + i]));
  }
  if (simple) {
    const operands: number[][] = [];
    for (let j = 0; j < k; j++) operands.push([shapes[j].reduce((p, d) => p * d, 1) === n ? n : 1]);
    return { out: [n], operands };
  }
  const aligned: number[][] = [];
  for (let j = 0; j < k; j++) {
    const s = shapes[j];
    const a = new Array<number>(r).fill(1);
    for (let i = 0; i < s.length; i++) a[r - s.length + i] = s[i];
    aligned.push(a);
  }
  const out: number[] = [];
  const operands: number[][] = shapes.map(() => []);
  let prevPattern = -1;
  for (let i = 0; i < r; i++) {
    if (outShape[i] === 1) continue;
    // Bit j set: operand j runs along this axis (is not broadcast).
    let pattern = 0;
    for (let j = 0; j < k; j++) if (aligned[j][i] !== 1) pattern |= 1 << j;
    if (out.length > 0 && pattern === prevPattern) {
      out[out.length - 1] *= outShape[i];
      for (let j = 0; j < k; j++) operands[j][operands[j].length - 1] *= aligned[j][i];
    } else {
      out.push(outShape[i]);
      for (let j = 0; j < k; j++) operands[j].push(aligned[j][i]);
      prevPattern = pattern;
    }
  }
  if (out.length === 0) return { out: [1], operands: shapes.map(() => [1]) };
  return { out, operands };
}

/** Row-major strides of `shape` aligned to `outShape`'s rank, 0 on broadcast (size-1 or missing) axes. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const r = outShape.length;
  const s = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = r - shape.length + i;
    s[oi] = shape[i] === 1 && outShape[oi] !== 1 ? 0 : acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Calls `row(offsets, outOffset, n)` once per row (last axis) of `outShape`, with each operand's starting
 * offset; operand `k` steps by `strides[k][rank - 1]` along a row. The innermost axis is left to the
 * caller's row loop, so per-element work has no index arithmetic. A rank-0 output is one row of 1.
 */
export function forEachRow(
  outShape: Shape,
  strides: readonly (readonly number[])[],
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
