/**
 * The batchNormTrainingGrad kernel over the last (channel) axis: PyTorch's closed form in two passes
 * over x and dy. With x̂ = (x − mean)·rstd and n = x.length / C elements per channel, pass 1 sums per
 * channel dbeta = Σdy and dgamma = Σ(dy·x̂) (x̂ on the fly), pass 2 writes
 * dx = gamma·rstd·(dy − dbeta/n − x̂·dgamma/n).
 * Rounding: the same as core's composition of ops (gradients/fused/batch-norm.grad.ts), so the bits agree
 * with it: `rstd = 1/√(variance + eps)`, x̂, every product and difference are rounded to float32 in the
 * composition's order (`1/n` too, a float32 scalar there); each sum is float64, rounded once: over
 * each block of BATCH_NORM_GRAD_SUM_ROWS rows added row by row from −0, then the blocks' sums added in
 * order from −0. With one block (up to that many rows) that is the `sum` kernel's order; the fixed blocks
 * let a backend sum blocks on several threads and still give these bits on any thread count.
 */

/** Rows per block of batchNormTrainingGrad's sums (see above). */
export const BATCH_NORM_GRAD_SUM_ROWS = 512;

export function batchNormTrainingGrad(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  eps: number,
  dx: Float32Array,
  dgamma: Float32Array,
  dbeta: Float32Array,
): void {
  const c = mean.length;
  const size = x.length;
  const rstd = batchNormRstd(variance, eps);
  if (size === 0) {
    dgamma.fill(0);
    dbeta.fill(0);
    return;
  }
  const sumDy = new Float64Array(c).fill(-0);
  const sumDyXhat = new Float64Array(c).fill(-0);
  const blockDy = new Float64Array(c);
  const blockDyXhat = new Float64Array(c);
  const f = Math.fround;
  const blockSize = BATCH_NORM_GRAD_SUM_ROWS * c;
  for (let start = 0; start < size; start += blockSize) {
    blockDy.fill(-0);
    blockDyXhat.fill(-0);
    for (let base = start; base < Math.min(start + blockSize, size); base += c) {
      for (let i = 0; i < c; i++) {
        const g = dy[base + i];
        blockDy[i] += g;
        blockDyXhat[i] += f(g * f(f(x[base + i] - mean[i]) * rstd[i]));
      }
    }
    for (let i = 0; i < c; i++) {
      sumDy[i] += blockDy[i];
      sumDyXhat[i] += blockDyXhat[i];
    }
  }
  const invN = f(c / size);
  const shift = new Float32Array(c);
  const slope = new Float32Array(c);
  const scale = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    dbeta[i] = sumDy[i];
    dgamma[i] = sumDyXhat[i];
    shift[i] = dbeta[i] * invN;
    slope[i] = dgamma[i] * invN;
    scale[i] = gamma[i] * rstd[i];
  }
  for (let base = 0; base < size; base += c) {
    for (let i = 0; i < c; i++) {
      const xhat = f(f(x[base + i] - mean[i]) * rstd[i]);
      dx[base + i] = f(f(dy[base + i] - shift[i]) - f(xhat * slope[i])) * scale[i];
    }
  }
}

/** `1/√(variance + eps)` per channel, rounded as `rsqrt(add(variance, eps))` in float32. */
export function batchNormRstd(variance: Float32Array, eps: number): Float32Array {
  const e = Math.fround(eps);
  const rstd = new Float32Array(variance.length);
  for (let i = 0; i < variance.length; i++) rstd[i] = 1 / Math.sqrt(Math.fround(variance[i] + e));
  return rstd;
}
