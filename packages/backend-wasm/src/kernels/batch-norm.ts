/**
 * Batch-norm's apply with given statistics: the kit folds them per channel into `scale` and `shift`
 * (core/src/kit/loops/batch-norm.ts), the emitted pass (codegen/scale-shift.ts) applies them with the
 * kit's rounding; the plain build (no SIMD) runs the kit's loop.
 */
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function batchNormKernel(
  k: KernelScope,
  x: WasmData,
  stats: readonly [WasmData, WasmData, WasmData, WasmData],
  eps: number,
  out: WasmData,
): void {
  const [mean, variance, gamma, beta] = stats;
  const c = mean.size;
  const emitted = k.instance.emitted;
  if (!emitted || out.size === 0 || c === 0) {
    kit.batchNorm(k.f32(x), k.f32(mean), k.f32(variance), k.f32(gamma), k.f32(beta), eps, k.f32(out));
    return;
  }
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  kit.batchNormFold(k.f32(mean), k.f32(variance), k.f32(gamma), k.f32(beta), eps, scale, shift);
  // scale and shift as float64 rows in the heap (one more element keeps the start 8-byte aligned).
  const rows = k.temp('float32', 4 * c + 2);
  const p = Math.ceil(rows.ptr / 8) * 8; // not `& ~7`: heap addresses pass 2^31
  const f64 = new Float64Array(k.instance.f32.buffer, p, 2 * c);
  for (let i = 0; i < c; i++) {
    f64[i] = scale[i];
    f64[c + i] = shift[i];
  }
  emitted.elementwise().scale_shift(x.ptr, p, p + 8 * c, out.ptr, out.size, c);
}

/**
 * Batch-norm training's gradient `[dx, dgamma, dbeta]` from dy, x and the batch statistics: the kit's two
 * passes (core/src/kit/loops/batch-norm-grad.ts) on the heap's views, so its rounding is core's default's.
 */
export function batchNormTrainingGradKernel(
  k: KernelScope,
  inputs: readonly [WasmData, WasmData, WasmData, WasmData, WasmData],
  eps: number,
  outs: readonly [WasmData, WasmData, WasmData],
): void {
  const [dy, x, mean, variance, gamma] = inputs.map((d) => k.f32(d));
  const [dx, dgamma, dbeta] = outs.map((d) => k.f32(d));
  kit.batchNormTrainingGrad(dy, x, mean, variance, gamma, eps, dx, dgamma, dbeta);
}
