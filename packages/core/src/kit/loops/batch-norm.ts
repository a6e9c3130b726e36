/**
 * Batch-norm forward with given statistics over the last (channel) axis, folded per channel into one
 * multiply-add `x * scale[c] + shift[c]`.
 * Rounding: `scale = gamma / sqrt(variance + eps)` and `shift = beta - mean * scale` are rounded to float32
 * per channel, then each element's multiply-add is float64 rounded once.
 */
export function batchNorm(
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  out: Float32Array,
): void {
  const c = mean.length;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  batchNormFold(mean, variance, gamma, beta, eps, scale, shift);
  const n = x.length;
  for (let base = 0; base < n; base += c) {
    for (let i = 0; i < c; i++) out[base + i] = x[base + i] * scale[i] + shift[i];
  }
}

/** The per-channel `scale` and `shift` of the fold above (backends with their own apply pass share it). */
export function batchNormFold(
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  scale: Float32Array,
  shift: Float32Array,
): void {
  for (let i = 0; i < mean.length; i++) {
    const s = gamma[i] / Math.sqrt(variance[i] + eps);
    scale[i] = s;
    shift[i] = beta[i] - mean[i] * s;
  }
}
