/**
 * Elementwise binary kernels with NumPy broadcasting. `forEachRow` handles the outer axes; each op has
 * its own row loop (one switch per row, not per element).
 */
import { type BinaryOp, type DataArray, powC, type Shape } from '@dendrite/core';
import { broadcastStrides, forEachRow } from './broadcast.js';

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
      for (let i = 0; i < n; i++, ia += sa, ib += sb) out[o + i] = a[ia] * b[ib];
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

export function binary(
  op: BinaryOp,
  a: DataArray,
  aShape: Shape,
  b: DataArray,
  bShape: Shape,
  out: DataArray,
  outShape: Shape,
  intDiv: boolean,
): void {
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const last = outShape.length - 1;
  const stepA = last >= 0 ? sa[last] : 0;
  const stepB = last >= 0 ? sb[last] : 0;
  forEachRow(outShape, [sa, sb], (off, o, n) =>
    row(op, a, off[0], stepA, b, off[1], stepB, out, o, n, intDiv),
  );
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
  const sc = broadcastStrides(cShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const last = outShape.length - 1;
  const [kc, ka, kb] = last >= 0 ? [sc[last], sa[last], sb[last]] : [0, 0, 0];
  forEachRow(outShape, [sc, sa, sb], (off, o, n) => {
    let ic = off[0];
    let ia = off[1];
    let ib = off[2];
    for (let i = 0; i < n; i++, ic += kc, ia += ka, ib += kb) out[o + i] = cond[ic] ? a[ia] : b[ib];
  });
}

/** Broadcast copy of `x` to `outShape` (the `expand` kernel). */
export function expand(x: DataArray, xShape: Shape, out: DataArray, outShape: Shape): void {
  const sx = broadcastStrides(xShape, outShape);
  const last = outShape.length - 1;
  const k = last >= 0 ? sx[last] : 0;
  forEachRow(outShape, [sx], (off, o, n) => {
    let ix = off[0];
    for (let i = 0; i < n; i++, ix += k) out[o + i] = x[ix];
  });
}
