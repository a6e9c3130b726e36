/**
 * Softmax and log-softmax along an axis of a tensor seen as `[outer, n, inner]` (geometry/axes.ts
 * `splitAt`), and per-row softmax cross-entropy.
 * Rounding: a row's maximum, sum of exponentials and log-sum-exp are float64; each output rounds once.
 * Special values as core's default (`x - max`, exp, sum): a row is shifted by its maximum whatever it is,
 * so a row of -Infinity, or one holding +Infinity or NaN, gives NaN throughout.
 */

export function softmax(
  x: Float32Array,
  outer: number,
  n: number,
  inner: number,
  out: Float32Array,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = Number.NEGATIVE_INFINITY;
      for (let r = 0, j = base; r < n; r++, j += inner) {
        const v = x[j];
        if (v > max || Number.isNaN(v)) max = v;
      }
      const shift = max;
      let sum = 0;
      for (let r = 0, j = base; r < n; r++, j += inner) sum += Math.exp(x[j] - shift);
      if (log) {
        const lse = shift + Math.log(sum);
        for (let r = 0, j = base; r < n; r++, j += inner) out[j] = x[j] - lse;
      } else {
        for (let r = 0, j = base; r < n; r++, j += inner) out[j] = Math.exp(x[j] - shift) / sum;
      }
    }
  }
}

/** `out[r] = -sum_c target[r, c] * logSoftmax(logits)[r, c]` for `[rows, classes]`. */
export function softmaxCrossEntropy(
  logits: Float32Array,
  target: Float32Array,
  rows: number,
  classes: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const v = logits[base + c];
      if (v > max || Number.isNaN(v)) max = v;
    }
    const shift = max;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - shift);
    const lse = shift + Math.log(sum);
    let loss = 0;
    for (let c = 0; c < classes; c++) loss -= target[base + c] * (logits[base + c] - lse);
    out[r] = loss;
  }
}
