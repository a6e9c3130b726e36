/**
 * Reductions and arg-reductions over `[outer, reduced, inner]` (reduced axes that are not contiguous are
 * first moved last by the transpose kernel). float32 sums with columns (inner > 1: bias gradients,
 * batch-norm statistics) run on the emitted column sum (codegen/column-sum.ts, the kit's rounding);
 * the rest on the kit's loops. The module's Sum/Max/Min/Prod only reduce the innermost axis, accumulate
 * float sums in float32 and read out of bounds on empty reductions.
 */
import type { ArgReduceOp, ReduceOp } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { transposeKernel } from './transpose.js';

export function reduceKernel(
  k: KernelScope,
  op: ReduceOp,
  x: WasmData,
  shape: readonly number[],
  axes: readonly number[],
  out: WasmData,
): void {
  if (out.size === 0) return;
  const layout = kit.reductionLayout(shape, axes);
  let src = x;
  if (layout.perm) {
    src = k.temp(x.dtype, x.size);
    transposeKernel(k, x, shape, layout.perm, src);
  }
  const { outer, reduced, inner } = layout;
  const emitted = k.instance.emitted;
  if (emitted && op === 'sum' && src.dtype === 'float32' && inner > 1 && reduced > 0) {
    const acc = k.temp('float32', 2 * inner); // inner float64 sums
    const columnSum = emitted.columnSum();
    for (let o = 0; o < outer; o++) {
      columnSum(src.ptr + 4 * o * reduced * inner, acc.ptr, out.ptr + 4 * o * inner, reduced, inner);
    }
    return;
  }
  kit.reduce(op, k.view(src), outer, reduced, inner, k.view(out));
}

export function argReduceKernel(
  k: KernelScope,
  op: ArgReduceOp,
  x: WasmData,
  shape: readonly number[],
  axis: number,
  out: WasmData,
): void {
  const [outer, n, inner] = kit.splitAt(shape, axis);
  kit.argReduce(op, k.view(x), outer, n, inner, k.i32(out));
}
