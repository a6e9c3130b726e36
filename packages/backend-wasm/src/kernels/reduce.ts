/**
 * Reductions and arg-reductions on the kit's loops over `[outer, reduced, inner]` (reduced axes that are
 * not contiguous are first moved last by the transpose kernel). The module's Sum/Max/Min/Prod only reduce
 * the innermost axis, accumulate float sums in float32 and read out of bounds on empty reductions; a bias
 * gradient (sum over leading axes) would need a transpose first.
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
  kit.reduce(op, k.view(src), layout.outer, layout.reduced, layout.inner, k.view(out));
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
