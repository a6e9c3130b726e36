/**
 * Elementwise binary ops with broadcasting, and with a number operand (`binaryScalar`). float32
 * add/sub/mul/div and comparisons of same-size operands, or against one value, run as emitted SIMD passes;
 * other float32 add/sub/mul/div on the module's XNNPACK kernels (SIMD, broadcasting up to rank 6 after
 * collapsing); the module's other binary kernels are scalar C that allocates index vectors per element
 * when broadcasting, so the rest runs on the kit's loops.
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
