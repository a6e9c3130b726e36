/**
 * Batch-norm's apply with given statistics: the kit folds them per channel into `scale` and `shift`
 * (core/src/kit/loops/batch-norm.ts), the emitted pass (codegen/scale-shift.ts) applies them with the
 * kit's rounding; the plain build (no SIMD) runs the kit's loop.
 */
import * as kit from '@dendrite/core/kit';
import {
  type BatchNormGradShape,
  BN_GRAD_DX_UNIT_ROWS,
  batchNormGradDxFunction,
  batchNormGradDxKey,
  batchNormGradSumBytes,
  batchNormGradSumsFunction,
  batchNormGradSumsKey,
} from '../codegen/batch-norm-grad.js';
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
 * rounding (core/src/kit/loops/batch-norm-grad.ts): two emitted passes (codegen/batch-norm-grad.ts), SIMD
 * over each row's channels 4 at a time and one at a time over the last c mod 4, each shared with the
 * helper threads by blocks of rows (the sums by the kit's fixed blocks: the same bits on any thread
 * count); the plain build (no SIMD)
 * runs the kit's loop on the heap's views (about 3× slower than the composed ops: not for the SIMD build).
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
  if (!emitted || size === 0) {
    const [dy, x, mean, variance, gamma] = inputs.map((d) => k.f32(d));
    const [dx, dgamma, dbeta] = outs.map((d) => k.f32(d));
    kit.batchNormTrainingGrad(dy, x, mean, variance, gamma, eps, dx, dgamma, dbeta);
    return;
  }
  const rstd = kit.batchNormRstd(k.f32(varianced), eps);
  const rowCount = size / c;
  const sumUnits = Math.ceil(rowCount / kit.BATCH_NORM_GRAD_SUM_ROWS);
  // Five float32 rows (mean, rstd, shift, slope, scale), then per unit of the sums pass 8 float64 per
  // block of 4 channels, the last block partly used when c is not a multiple of 4 (8-byte aligned).
  const sumCount = batchNormGradSumBytes(c) / 8;
  const scratch = k.temp('float32', 5 * c + 2 * sumCount * sumUnits + 2);
  const rows = k.f32(scratch).subarray(0, 5 * c);
  const psum = Math.ceil((scratch.ptr + 20 * c) / 8) * 8; // not `& ~7`: heap addresses pass 2^31
  const sums = new Float64Array(k.instance.f32.buffer, psum, sumCount * sumUnits);
  rows.set(k.f32(meand), 0);
  rows.set(rstd, c);
  sums.fill(-0);
  const pointers = (out: number) => [xd.ptr, dyd.ptr, scratch.ptr, out] as const;
  const sumShape: BatchNormGradShape = { rows: rowCount, c, unitRows: kit.BATCH_NORM_GRAD_SUM_ROWS };
  emitted.shareShaped(
    batchNormGradSumsKey(sumShape),
    () => [batchNormGradSumsFunction(sumShape)],
    pointers(psum),
    sumUnits,
  );
  const [dx, dgamma, dbeta] = outs;
  const gdv = k.f32(dgamma);
  const dbv = k.f32(dbeta);
  const gamma = k.f32(gammad);
  const invN = Math.fround(c / size);
  // Per unit, per block of 4 channels: Σdy of the 4, then Σdy·x̂ of the 4; the units added in order.
  for (let i = 0; i < c; i++) {
    const block = 8 * (i >> 2) + (i & 3);
    let sumDy = -0;
    let sumDyXhat = -0;
    for (let u = 0; u < sumUnits; u++) {
      sumDy += sums[u * sumCount + block];
      sumDyXhat += sums[u * sumCount + block + 4];
    }
    dbv[i] = sumDy;
    gdv[i] = sumDyXhat;
    rows[2 * c + i] = dbv[i] * invN;
    rows[3 * c + i] = gdv[i] * invN;
    rows[4 * c + i] = gamma[i] * rstd[i];
  }
  const dxShape: BatchNormGradShape = { rows: rowCount, c, unitRows: BN_GRAD_DX_UNIT_ROWS };
  emitted.shareShaped(
    batchNormGradDxKey(dxShape),
    () => [batchNormGradDxFunction(dxShape)],
    pointers(dx.ptr),
    Math.ceil(rowCount / BN_GRAD_DX_UNIT_ROWS),
  );
}
