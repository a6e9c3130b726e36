/**
 * Softmax, log-softmax and softmax cross-entropy. Softmax over the last axis runs on the module's
 * XNNPACK Softmax; other axes and the log variants run in TypeScript over [outer, n, inner] (a log of
 * XNNPACK's softmax would lose the tiny probabilities that log-softmax must keep).
 */
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function softmaxKernel(
  k: KernelScope,
  x: WasmData,
  outer: number,
  n: number,
  inner: number,
  out: WasmData,
  log: boolean,
): void {
  if (out.size === 0) return;
  if (!log && inner === 1) {
    k.callSized(out.size, 'Softmax', x.cid, out.cid, n, outer);
    return;
  }
  softmaxTs(k.f32(x), outer, n, inner, k.f32(out), log);
}

function softmaxTs(
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
      // Shifting by the maximum even when it is ±Infinity gives PyTorch's NaN rows (+Inf - +Inf, -Inf - -Inf).
      const shift = max;
      let sum = 0;
      for (let r = 0, j = base; r < n; r++, j += inner) sum += Math.exp(x[j] - shift);
      if (log) {
        const lse = shift + Math.log(sum);
        for (let r = 0, j = base; r < n; r++, j += inner) out[j] = x[j] - lse;
      } else {
        const inv = 1 / sum;
        for (let r = 0, j = base; r < n; r++, j += inner) out[j] = Math.exp(x[j] - shift) * inv;
      }
    }
  }
}

/** `out[r] = -sum_c target[r, c] * logSoftmax(logits)[r, c]` for [rows, classes]. */
export function softmaxCrossEntropyKernel(
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
    const shift = max; // see softmaxTs
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - shift);
    const lse = shift + Math.log(sum);
    let loss = 0;
    for (let c = 0; c < classes; c++) loss -= target[base + c] * (logits[base + c] - lse);
    out[r] = loss;
  }
}
