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
 * Batch-norm training's gradient `[dx, dgamma, dbeta]` from dy, x and the batch statistics, with the kit's
 * rounding (core/src/kit/loops/batch-norm-grad.ts): two emitted passes (codegen/batch-norm-grad.ts) when
 * the channels are a multiple of 4 (every batch norm of ResNet-20 and DenseNet-40), else the kit's loop on
 * the heap's views.
 */
export function batchNormTrainingGradKernel(
  k: KernelScope,
  inputs: readonly [WasmData, WasmData, WasmData, WasmData, WasmData],
  eps: number,
  outs: readonly [WasmData, WasmData, WasmData],
): void {
  const [dyd, xd, meand, varianced, gammad] = inputs;
  const c = meand.size;
  const size = xd.size;
  const emitted = k.instance.emitted;
  if (!emitted || size === 0 || c % 4 !== 0) {
    const [dy, x, mean, variance, gamma] = inputs.map((d) => k.f32(d));
    const [dx, dgamma, dbeta] = outs.map((d) => k.f32(d));
    kit.batchNormTrainingGrad(dy, x, mean, variance, gamma, eps, dx, dgamma, dbeta);
    return;
  }
  const rstd = kit.batchNormRstd(k.f32(varianced), eps);
  // Five float32 rows (mean, rstd, shift, slope, scale), then 2c float64 sums (8-byte aligned).
  const scratch = k.temp('float32', 9 * c + 2);
  const rows = k.f32(scratch).subarray(0, 5 * c);
  const psum = Math.ceil((scratch.ptr + 20 * c) / 8) * 8; // not `& ~7`: heap addresses pass 2^31
  const sums = new Float64Array(k.instance.f32.buffer, psum, 2 * c);
  rows.set(k.f32(meand), 0);
  rows.set(rstd, c);
  sums.fill(-0);
  const pass = emitted.elementwise();
  pass.bn_grad_sums(xd.ptr, dyd.ptr, scratch.ptr, psum, size, c);
  const [dx, dgamma, dbeta] = outs;
  const gdv = k.f32(dgamma);
  const dbv = k.f32(dbeta);
  const gamma = k.f32(gammad);
  const invN = Math.fround(c / size);
  // sums per block of 4 channels: Σdy of the 4, then Σdy·x̂ of the 4.
  for (let i = 0; i < c; i++) {
    const block = 8 * (i >> 2) + (i & 3);
    dbv[i] = sums[block];
    gdv[i] = sums[block + 4];
    rows[2 * c + i] = dbv[i] * invN;
    rows[3 * c + i] = gdv[i] * invN;
    rows[4 * c + i] = gamma[i] * rstd[i];
  }
  pass.bn_grad_dx(xd.ptr, dyd.ptr, scratch.ptr, dx.ptr, size, c);
}
