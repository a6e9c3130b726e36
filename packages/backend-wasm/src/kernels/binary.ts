/**
 * Elementwise binary ops with broadcasting, `where` and `expand`. float32 add/sub/mul/div run on the
 * module's XNNPACK kernels (SIMD, broadcasting up to rank 6 after collapsing); the module's other binary
 * kernels are scalar C that allocates index vectors per element when broadcasting, so the rest runs in
 * TypeScript, one row loop per op.
 */
import { type BinaryOp, powC } from '@dendrite/core';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { broadcastStrides, collapseBroadcast, forEachRow } from './broadcast.js';

const XNN_BINARY: Partial<Record<BinaryOp, string>> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Multiply',
  div: 'RealDiv',
};

/** XNNPACK's XNN_MAX_TENSOR_DIMS in the module's build. */
const XNN_MAX_RANK = 6;

type Arr = Float32Array | Int32Array | Uint8Array;

export function binaryKernel(
  k: KernelScope,
  op: BinaryOp,
  a: WasmData,
  aShape: readonly number[],
  b: WasmData,
  bShape: readonly number[],
  out: WasmData,
  outShape: readonly number[],
): void {
  if (out.size === 0) return;
  const c = collapseBroadcast(outShape, [aShape, bShape]);
  if (a.dtype === 'float32' && EMITTED.has(op) && emittedBinary(k, op, a, b, out)) return;
  const xnn = a.dtype === 'float32' ? XNN_BINARY[op] : undefined;
  if (xnn && c.out.length <= XNN_MAX_RANK) {
    const [ca, cb] = c.operands;
    k.callSized(out.size, xnn, a.cid, k.ints(ca), ca.length, b.cid, k.ints(cb), cb.length, 0, out.cid);
    return;
  }
  binaryTs(op, k.view(a), c.operands[0], k.view(b), c.operands[1], k.view(out), c.out);
}

/** The float32 ops with an emitted pass (codegen/elementwise.ts), named alike there. */
const EMITTED = new Set<BinaryOp>([
  'add',
  'sub',
  'mul',
  'div',
  'greater',
  'greaterEqual',
  'less',
  'lessEqual',
  'equal',
  'notEqual',
]);

/**
 * float32 add / sub / mul / div (bit-identical to XNNPACK's; XNNPACK creates and deletes an operator on
 * every call, which costs more than the pass on the tensor sizes of a training step) and comparisons
 * (branch-free, bool bytes out) of same-size operands, or against one value, as an emitted SIMD pass.
 * Says whether it ran.
 */
function emittedBinary(k: KernelScope, op: BinaryOp, a: WasmData, b: WasmData, out: WasmData): boolean {
  const emitted = k.instance.emitted;
  if (!emitted || a.size !== out.size) return false;
  const variant = b.size === out.size ? 'v' : b.size === 1 ? 's' : null;
  if (variant === null) return false;
  emitted.elementwise()[`${op}_${variant}`](a.ptr, b.ptr, out.ptr, out.size);
  return true;
}

function binaryTs(
  op: BinaryOp,
  a: Arr,
  aShape: number[],
  b: Arr,
  bShape: number[],
  out: Arr,
  outShape: number[],
): void {
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const last = outShape.length - 1;
  const ka = sa[last];
  const kb = sb[last];
  const n = outShape[last];
  const intDiv = a instanceof Int32Array;
  forEachRow(outShape, [sa, sb], (off, o) => row(op, a, off[0], ka, b, off[1], kb, out, o, n, intDiv));
}

function row(
  op: BinaryOp,
  a: Arr,
  ia: number,
  sa: number,
  b: Arr,
  ib: number,
  sb: number,
  out: Arr,
  o: number,
  n: number,
  intDiv: boolean,
): void {
  const end = o + n;
  switch (op) {
    case 'add':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] + b[ib];
      return;
    case 'sub':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] - b[ib];
      return;
    case 'mul':
      if (intDiv) for (; o < end; o++, ia += sa, ib += sb) out[o] = Math.imul(a[ia], b[ib]);
      else for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] * b[ib];
      return;
    case 'div':
      // int32 division truncates toward zero; division by zero gives 0 instead of trapping.
      if (intDiv)
        for (; o < end; o++, ia += sa, ib += sb) out[o] = b[ib] === 0 ? 0 : Math.trunc(a[ia] / b[ib]);
      else for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] / b[ib];
      return;
    case 'pow':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = powC(a[ia], b[ib]);
      return;
    case 'maximum':
      for (; o < end; o++, ia += sa, ib += sb) {
        const x = a[ia];
        const y = b[ib];
        out[o] = x >= y || Number.isNaN(x) ? x : y;
      }
      return;
    case 'minimum':
      for (; o < end; o++, ia += sa, ib += sb) {
        const x = a[ia];
        const y = b[ib];
        out[o] = x <= y || Number.isNaN(x) ? x : y;
      }
      return;
    case 'equal':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] === b[ib] ? 1 : 0;
      return;
    case 'notEqual':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] !== b[ib] ? 1 : 0;
      return;
    case 'less':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] < b[ib] ? 1 : 0;
      return;
    case 'lessEqual':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] <= b[ib] ? 1 : 0;
      return;
    case 'greater':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] > b[ib] ? 1 : 0;
      return;
    case 'greaterEqual':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] >= b[ib] ? 1 : 0;
      return;
    case 'logicalAnd':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] && b[ib] ? 1 : 0;
      return;
    case 'logicalOr':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] || b[ib] ? 1 : 0;
      return;
    case 'logicalXor':
      for (; o < end; o++, ia += sa, ib += sb) out[o] = (a[ia] ? 1 : 0) ^ (b[ib] ? 1 : 0);
      return;
    default: {
      const never: never = op;
      throw new Error(`unknown binary op ${String(never)}`);
    }
  }
}

/** `cond ? a : b`, all broadcast to `outShape`. */
export function whereKernel(
  cond: Uint8Array,
  cShape: readonly number[],
  a: Arr,
  aShape: readonly number[],
  b: Arr,
  bShape: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  if (out.length === 0) return;
  const c = collapseBroadcast(outShape, [cShape, aShape, bShape]);
  const sc = broadcastStrides(c.operands[0], c.out);
  const sa = broadcastStrides(c.operands[1], c.out);
  const sb = broadcastStrides(c.operands[2], c.out);
  const last = c.out.length - 1;
  const [kc, ka, kb] = [sc[last], sa[last], sb[last]];
  const n = c.out[last];
  forEachRow(c.out, [sc, sa, sb], (off, o) => {
    let ic = off[0];
    let ia = off[1];
    let ib = off[2];
    for (const end = o + n; o < end; o++, ic += kc, ia += ka, ib += kb) out[o] = cond[ic] ? a[ia] : b[ib];
  });
}

/** Broadcast copy of `x` to `outShape`: contiguous runs are block copies. */
export function expandKernel(x: Arr, xShape: readonly number[], out: Arr, outShape: readonly number[]): void {
  if (out.length === 0) return;
  const c = collapseBroadcast(outShape, [xShape]);
  const sx = broadcastStrides(c.operands[0], c.out);
  const last = c.out.length - 1;
  const kx = sx[last];
  const n = c.out[last];
  forEachRow(c.out, [sx], (off, o) => {
    const ix = off[0];
    if (kx === 1) out.set(x.subarray(ix, ix + n), o);
    else out.fill(x[ix], o, o + n);
  });
}
