/**
 * Elementwise binary ops with NumPy broadcasting, `binaryScalar`, `where` and `expand`. Shapes are
 * collapsed first (geometry/broadcast.ts); `forEachRow` walks the outer axes and each op has its own row
 * loop (one switch per row, not per element).
 * Rounding: each element is computed in float64 and rounded once when stored; int32 `mul` is `Math.imul`
 * (wraps like int32), int32 `div` truncates toward zero and gives 0 for a zero divisor; `pow` follows
 * C99 / PyTorch for special values (`powC`: pow(1, NaN) = 1).
 */
import type { BinaryOp } from '../../backend.js';
import type { DataArray } from '../../dtype.js';
import { powC } from '../../ieee.js';
import type { Shape } from '../../shape.js';
import { broadcastStrides, collapseBroadcast, forEachRow } from '../geometry/broadcast.js';

function row(
  op: BinaryOp,
  a: DataArray,
  ia: number,
  sa: number,
  b: DataArray,
  ib: number,
  sb: number,
  out: DataArray,
  o: number,
  n: number,
  intDiv: boolean,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] + b[ib];
      return;
    case 'sub':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] - b[ib];
      return;
    case 'mul':
      if (intDiv) for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = Math.imul(a[ia], b[ib]);
      else for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] * b[ib];
      return;
    case 'div':
      if (intDiv)
        for (let i = 0; i < n; i++, ia += sa, ib += sb)
          out[o + i] = b[ib] === 0 ? 0 : Math.trunc(a[ia] / b[ib]);
      else for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] / b[ib];
      return;
    case 'pow':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = powC(a[ia], b[ib]);
      return;
    case 'maximum':
      // NaN propagates, as in PyTorch.
      for (let i = 0; i < n; i++, ia += sa, ib += sb) {
        const x = a[ia];
        const y = b[ib];
        out[o + i] = x >= y || Number.isNaN(x) ? x : y;
      }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) {
        const x = a[ia];
        const y = b[ib];
        out[o + i] = x <= y || Number.isNaN(x) ? x : y;
      }
      return;
    case 'equal':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] === b[ib] ? 1 : 0;
      return;
    case 'notEqual':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] !== b[ib] ? 1 : 0;
      return;
    case 'less':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] < b[ib] ? 1 : 0;
      return;
    case 'lessEqual':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] <= b[ib] ? 1 : 0;
      return;
    case 'greater':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] > b[ib] ? 1 : 0;
      return;
    case 'greaterEqual':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] >= b[ib] ? 1 : 0;
      return;
    case 'logicalAnd':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] && b[ib] ? 1 : 0;
      return;
    case 'logicalOr':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] || b[ib] ? 1 : 0;
      return;
    case 'logicalXor':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = (a[ia] ? 1 : 0) ^ (b[ib] ? 1 : 0);
      return;
    default: {
      const never: never = op;
      throw new Error(`binary: unknown op ${String(never)}`);
    }
  }
}

/** `out = a op b` broadcast to `outShape`; `out` may be `a` when `a` has the output's shape. */
export function binary(
  op: BinaryOp,
  a: DataArray,
  aShape: Shape,
  b: DataArray,
  bShape: Shape,
  out: DataArray,
  outShape: Shape,
): void {
  const n = out.length;
  if (n === 0) return;
  const intDiv = a instanceof Int32Array;
  // Each operand the whole output or one element (the common case): one row, no walker.
  if ((a.length === n || a.length === 1) && (b.length === n || b.length === 1)) {
    row(op, a, 0, a.length === n ? 1 : 0, b, 0, b.length === n ? 1 : 0, out, 0, n, intDiv);
    return;
  }
  const c = collapseBroadcast(outShape, [aShape, bShape]);
  const sa = broadcastStrides(c.operands[0], c.out);
  const sb = broadcastStrides(c.operands[1], c.out);
  const last = c.out.length - 1;
  const stepA = sa[last];
  const stepB = sb[last];
  forEachRow(c.out, [sa, sb], (off, o, n) => row(op, a, off[0], stepA, b, off[1], stepB, out, o, n, intDiv));
}

/**
 * `out = a op value` (`value op a` when `scalarFirst`), elementwise; `value` is rounded to `a`'s element
 * type first, exactly as a one-element tensor of it would be.
 */
export function binaryScalar(
  op: BinaryOp,
  a: DataArray,
  value: number,
  scalarFirst: boolean,
  out: DataArray,
): void {
  const n = out.length;
  if (n === 0) return;
  const v =
    a instanceof Float32Array
      ? Float32Array.of(value)
      : a instanceof Int32Array
        ? Int32Array.of(value)
        : Uint8Array.of(value);
  const intDiv = a instanceof Int32Array;
  if (scalarFirst) row(op, v, 0, 0, a, 0, 1, out, 0, n, intDiv);
  else row(op, a, 0, 1, v, 0, 0, out, 0, n, intDiv);
}

/** `cond ? a : b` with all three broadcast to `outShape`. */
export function where(
  cond: DataArray,
  cShape: Shape,
  a: DataArray,
  aShape: Shape,
  b: DataArray,
  bShape: Shape,
  out: DataArray,
  outShape: Shape,
): void {
  const n = out.length;
  if (n === 0) return;
  // Each operand the whole output or one element (leaky ReLU's slope where(x > 0, 1, alpha), a loss's
  // branches): one loop, no walker. 64×256 with two scalars took 66-89 µs through the walker, 23-28 here.
  if (
    (cond.length === n || cond.length === 1) &&
    (a.length === n || a.length === 1) &&
    (b.length === n || b.length === 1)
  ) {
    whereFlat(cond, a, b, out);
    return;
  }
  const c = collapseBroadcast(outShape, [cShape, aShape, bShape]);
  const sc = broadcastStrides(c.operands[0], c.out);
  const sa = broadcastStrides(c.operands[1], c.out);
  const sb = broadcastStrides(c.operands[2], c.out);
  const last = c.out.length - 1;
  const [kc, ka, kb] = [sc[last], sa[last], sb[last]];
  forEachRow(c.out, [sc, sa, sb], (off, o, n) => {
    let ic = off[0];
    let ia = off[1];
    let ib = off[2];
    for (let i = 0; i < n; i++, ic += kc, ia += ka, ib += kb) out[o + i] = cond[ic] ? a[ia] : b[ib];
  });
}

/** `where` of operands that are each the whole output or one element. */
function whereFlat(cond: DataArray, a: DataArray, b: DataArray, out: DataArray): void {
  const n = out.length;
  if (cond.length === 1) {
    const from = cond[0] ? a : b;
    if (from.length === 1) out.fill(from[0]);
    else for (let i = 0; i < n; i++) out[i] = from[i];
    return;
  }
  if (a.length === 1 && b.length === 1) {
    const [va, vb] = [a[0], b[0]];
    for (let i = 0; i < n; i++) out[i] = cond[i] ? va : vb;
  } else if (a.length === 1) {
    const va = a[0];
    for (let i = 0; i < n; i++) out[i] = cond[i] ? va : b[i];
  } else if (b.length === 1) {
    const vb = b[0];
    for (let i = 0; i < n; i++) out[i] = cond[i] ? a[i] : vb;
  } else {
    for (let i = 0; i < n; i++) out[i] = cond[i] ? a[i] : b[i];
  }
}

/** Broadcast copy of `x` to `outShape` (the `expand` kernel): contiguous runs are block copies. */
export function expand(x: DataArray, xShape: Shape, out: DataArray, outShape: Shape): void {
  if (out.length === 0) return;
  const c = collapseBroadcast(outShape, [xShape]);
  expandCollapsed(x, c.operands[0], out, c.out);
}

function expandCollapsed(x: DataArray, xShape: Shape, out: DataArray, outShape: Shape): void {
  if (outShape.length >= 2 && xShape[0] === 1) {
    // A leading axis x lacks (a [C] gradient spread over [N·H·W, C]): one slab, then copied forward
    // by doubling, about log2(N·H·W) block copies instead of one per row.
    const slab = out.length / outShape[0];
    expandCollapsed(x, xShape.slice(1), out.subarray(0, slab), outShape.slice(1));
    for (let filled = slab; filled < out.length; filled *= 2) {
      out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
    }
    return;
  }
  const sx = broadcastStrides(xShape, outShape);
  const kx = sx[outShape.length - 1];
  forEachRow(outShape, [sx], (off, o, n) => {
    const ix = off[0];
    if (kx === 1) out.set(x.subarray(ix, ix + n), o);
    else out.fill(x[ix], o, o + n);
  });
}
