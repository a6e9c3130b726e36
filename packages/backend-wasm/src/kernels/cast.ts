/**
 * `cast`: to bool and float32 → int32 on the emitted SIMD pass (codegen/cast.ts) over the elements in
 * whole steps of 16, the kit's loop over the rest, over everything where a float32 → int32 pass met
 * |x| ≥ 2³¹ (the kit's wrap-around), and on the plain build; the other casts are the kit's `set`.
 */
import type { DType } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import {
  CAST_BLOCK,
  CAST_STEP,
  castFunction,
  castKey,
  type EmittedCast,
  isEmittedCast,
} from '../codegen/cast.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function castKernel(k: KernelScope, x: WasmData, out: WasmData, to: DType): void {
  const emitted = k.instance.emitted;
  const from = x.dtype;
  const n = out.size;
  const vectored = n - (n % CAST_STEP);
  if (!emitted || !isEmittedCast(from, to) || vectored === 0) {
    kit.cast(k.view(x), k.view(out), to);
    return;
  }
  const pair = [from, to] as unknown as EmittedCast;
  const flag = k.ints([0]);
  emitted.shareShaped(
    castKey(pair),
    () => [castFunction(pair)],
    [x.ptr, out.ptr, flag, vectored],
    Math.ceil(vectored / CAST_BLOCK),
  );
  if (k.instance.i32[flag >>> 2] !== 0) {
    kit.cast(k.view(x), k.view(out), to);
    return;
  }
  if (vectored < n) kit.cast(k.view(x).subarray(vectored, n), k.view(out).subarray(vectored, n), to);
}
