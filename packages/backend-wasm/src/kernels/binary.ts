/**
 * Elementwise binary ops with broadcasting, and with a number operand (`binaryScalar`). float32
 * add/sub/mul/div and comparisons of same-size operands, or against one value, run as emitted SIMD passes;
 * other float32 add/sub/mul/div on the module's XNNPACK kernels (SIMD, broadcasting up to rank 6 after
 * collapsing); the module's other binary kernels are scalar C that allocates index vectors per element
 * when broadcasting, so the rest runs on the kit's loops. `where` of flat operands is an emitted loop too.
 */
import type { BinaryOp } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

const XNN_BINARY: Partial<Record<BinaryOp, string>> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Multiply',
  div: 'RealDiv',
};

/** XNNPACK's XNN_MAX_TENSOR_DIMS in the module's build. */
const XNN_MAX_RANK = 6;

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

/** `value op a` as `a op' value`, for the ops where such an op' exists. */
const SWAPPED: Partial<Record<BinaryOp, BinaryOp>> = {
  add: 'add',
  mul: 'mul',
  equal: 'equal',
  notEqual: 'notEqual',
  less: 'greater',
  lessEqual: 'greaterEqual',
  greater: 'less',
  greaterEqual: 'lessEqual',
};

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
  if (a.dtype === 'float32' && EMITTED.has(op) && emittedBinary(k, op, a, b, out)) return;
  if (a.dtype === 'float32' && ROW_OPS.has(op) && emittedRow(k, op, a, aShape, b, bShape, out, outShape))
    return;
  const xnn = a.dtype === 'float32' ? XNN_BINARY[op] : undefined;
  if (xnn) {
    const c = kit.collapseBroadcast(outShape, [aShape, bShape]);
    if (c.out.length <= XNN_MAX_RANK) {
      const [ca, cb] = c.operands;
      k.callSized(out.size, xnn, a.cid, k.ints(ca), ca.length, b.cid, k.ints(cb), cb.length, 0, out.cid);
      return;
    }
  }
  kit.binary(op, k.view(a), aShape, k.view(b), bShape, k.view(out), outShape);
}

/** The float32 ops with an emitted row-broadcast pass (`add_row`, …). */
const ROW_OPS = new Set<BinaryOp>(['add', 'sub', 'mul', 'div']);

/**
 * `a op b` where one operand is a row of the other's last axis repeated (a per-channel [C] against
 * [N, H, W, C]) as the emitted row pass; a row first works for add and mul only. Says whether it ran.
 */
function emittedRow(
  k: KernelScope,
  op: BinaryOp,
  a: WasmData,
  aShape: readonly number[],
  b: WasmData,
  bShape: readonly number[],
  out: WasmData,
  outShape: readonly number[],
): boolean {
  const emitted = k.instance.emitted;
  if (!emitted) return false;
  const c = outShape[outShape.length - 1];
  if (c === undefined || c < 2 || out.size === c) return false;
  let [full, row] = [a, b];
  let [fullShape, rowShape] = [aShape, bShape];
  if (a.size !== out.size) {
    if (op !== 'add' && op !== 'mul') return false;
    [full, row, fullShape, rowShape] = [b, a, bShape, aShape];
  }
  if (full.size !== out.size || row.size !== c || !isRowOf(rowShape, c) || fullShape.length === 0)
    return false;
  emitted.elementwise()[`${op}_row`](full.ptr, row.ptr, out.ptr, out.size, c);
  return true;
}

/** Whether `shape` is [..., 1, c]: c elements along the last axis only. */
function isRowOf(shape: readonly number[], c: number): boolean {
  return shape.length >= 1 && shape[shape.length - 1] === c;
}

/**
 * `a op value` (`value op a` when `scalarFirst`) with the number as an attribute: float32 ops with an
 * emitted pass read it from the argument area (no storage of the backend), the rest runs on the
 * kit's loop.
 */
export function binaryScalarKernel(
  k: KernelScope,
  op: BinaryOp,
  a: WasmData,
  value: number,
  scalarFirst: boolean,
  out: WasmData,
): void {
  if (out.size === 0) return;
  const emitted = k.instance.emitted;
  const passOp = scalarFirst ? SWAPPED[op] : op;
  if (emitted && a.dtype === 'float32' && passOp && EMITTED.has(passOp)) {
    emitted.elementwise()[`${passOp}_s`](a.ptr, k.float(value), out.ptr, out.size);
    return;
  }
  if (emitted && a.dtype === 'float32' && scalarFirst && (op === 'sub' || op === 'div')) {
    emitted.elementwise()[`${op}_r`](a.ptr, k.float(value), out.ptr, out.size);
    return;
  }
  kit.binaryScalar(op, k.view(a), value, scalarFirst, k.view(out));
}

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

/**
 * `cond ? a : b` broadcast to `outShape`: 4-byte operands that are each the whole output or one element
 * as the emitted loop (codegen/where.ts), the rest on the kit's broadcasting loop.
 */
export function whereKernel(
  k: KernelScope,
  cond: WasmData,
  condShape: readonly number[],
  a: WasmData,
  aShape: readonly number[],
  b: WasmData,
  bShape: readonly number[],
  out: WasmData,
  outShape: readonly number[],
): void {
  const n = out.size;
  if (n === 0) return;
  const emitted = k.instance.emitted;
  const flat = (d: WasmData) => d.size === n || d.size === 1;
  if (emitted && out.dtype !== 'bool' && flat(cond) && flat(a) && flat(b)) {
    const step = (d: WasmData, bytes: number) => (d.size === n ? bytes : 0);
    emitted.elementwise().where_32(cond.ptr, step(cond, 1), a.ptr, step(a, 4), b.ptr, step(b, 4), out.ptr, n);
    return;
  }
  kit.where(k.u8(cond), condShape, k.view(a), aShape, k.view(b), bShape, k.view(out), outShape);
}
