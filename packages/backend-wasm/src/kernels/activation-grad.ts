/**
 * fusedActivationGrad: one emitted SIMD pass over dy and y (codegen/elementwise.ts), or the kit's loop on
 * a build without the emitted kernels; both round as core's composition does.
 */
import type { FusedActivation } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function activationGradKernel(
  k: KernelScope,
  dy: WasmData,
  y: WasmData,
  activation: FusedActivation,
  out: WasmData,
): void {
  if (out.size === 0) return;
  const emitted = k.instance.emitted;
  if (emitted && activation !== 'linear') {
    emitted.elementwise()[`actgrad_${activation}`](dy.ptr, y.ptr, out.ptr, out.size);
    return;
  }
  kit.activationGrad(k.f32(dy), k.f32(y), activation, k.f32(out));
}
