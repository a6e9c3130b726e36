/**
 * Softmax, log-softmax and softmax cross-entropy. Softmax over the last axis runs on the module's
 * XNNPACK Softmax; other axes and the log variants run on the kit's loops over [outer, n, inner] (a log
 * of XNNPACK's softmax would lose the tiny probabilities that log-softmax must keep).
 */
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function softmaxKernel(
  k: KernelScope,
  x: WasmData,
  shape: readonly number[],
  axis: number,
  out: WasmData,
  log: boolean,
): void {
  if (out.size === 0) return;
  const [outer, n, inner] = kit.splitAt(shape, axis);
  if (!log && inner === 1) {
    k.callSized(out.size, 'Softmax', x.cid, out.cid, n, outer);
    return;
  }
  kit.softmax(k.f32(x), outer, n, inner, k.f32(out), log);
}
