/**
 * Pooling. Forward max and average pooling run on the module's XNNPACK operators (explicit pads; XNNPACK
 * ignores padding in both, which is the contract), except average pooling over windows that tile the
 * input (stride = window, no padding: DenseNet's 2×2 transitions), which runs on an emitted pass with
 * the kit's bits (codegen/avg-pool.ts). Over tiling windows both gradients run on emitted SIMD passes
 * with the kit's bits too: max pooling's (LeNet's 2×2; codegen/max-pool-grad.ts) and average pooling's
 * (codegen/avg-pool-grad.ts). The other gradients run on the kit's loops: the module's MaxPoolGrad
 * starts each window's running maximum at FLT_MIN (the smallest positive float) and keeps the last
 * maximum, so it routes gradients wrongly for negative windows and ties; its AvgPoolGrad divides by the
 * full window even where the window overlaps padding.
 */

import { hasNaN } from '@dendrite/core';
import type { PoolGeometry } from '@dendrite/core/kit';
import * as kit from '@dendrite/core/kit';
import { AVG_POOL_WINDOW, avgPoolFunction, avgPoolKey } from '../codegen/avg-pool.js';
import { AVG_POOL_GRAD_WINDOW, avgPoolGradFunction, avgPoolGradKey } from '../codegen/avg-pool-grad.js';
import { MAX_POOL_GRAD_WINDOW, maxPoolGradFunction, maxPoolGradKey } from '../codegen/max-pool-grad.js';
import type { TilingWindowShape } from '../codegen/tiling-windows.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function pool2dKernel(
  k: KernelScope,
  op: 'max' | 'avg',
  x: WasmData,
  g: PoolGeometry,
  out: WasmData,
): void {
  if (out.size === 0) return;
  if (g.h * g.w === 0) {
    // Every window is padding only (an empty image): max is -Infinity, an average of nothing 0.
    k.f32(out).fill(op === 'max' ? -Infinity : 0);
    return;
  }
  if (op === 'avg' && avgPoolEmitted(k, x, g, out)) return;
  if (holdsNaN(k, x)) {
    // XNNPACK's MaxPool drops NaN and its AvgPool turns it into -Infinity; PyTorch propagates it:
    // the kit's loop does.
    kit.pool2d(op, k.f32(x), g, k.f32(out));
    return;
  }
  const work = out.size * g.kh * g.kw;
  if (op === 'max') {
    k.callSized(
      work,
      'MaxPool',
      x.cid,
      g.n,
      g.h,
      g.w,
      g.kh,
      g.kw,
      g.pt,
      g.pr,
      g.pb,
      g.pl,
      1,
      1,
      g.sh,
      g.sw,
      g.c,
      g.c,
      out.cid,
    );
  } else {
    k.callSized(
      work,
      'AvgPool',
      x.cid,
      g.n,
      g.h,
      g.w,
      g.kh,
      g.kw,
      g.pt,
      g.pr,
      g.pb,
      g.pl,
      g.sh,
      g.sw,
      g.c,
      out.cid,
    );
  }
}

/**
 * Average pooling over windows that tile the input on the emitted pass (the kit's bits, NaN included, so
 * no scan); whether it ran.
 */
function avgPoolEmitted(k: KernelScope, x: WasmData, g: PoolGeometry, out: WasmData): boolean {
  const emitted = k.instance.emitted;
  if (!emitted || !windowsTile(g) || g.kh * g.kw > AVG_POOL_WINDOW) return false;
  const shape = tilingShape(g);
  emitted.shareShaped(avgPoolKey(shape), () => [avgPoolFunction(shape)], [x.ptr, out.ptr, 0, 0], g.n);
  return true;
}

/** Whether `x` holds a NaN: the emitted scan (codegen/nan-scan.ts), or core's loop on the plain build. */
function holdsNaN(k: KernelScope, x: WasmData): boolean {
  const emitted = k.instance.emitted;
  if (!emitted) return hasNaN(k.f32(x));
  const flag = k.ints([0]);
  emitted.elementwise().has_nan(x.ptr, x.size, flag);
  return k.instance.i32[flag >>> 2] !== 0;
}

/** dx of max pooling: the emitted pass where the windows tile the input, else the kit's loop. */
export function maxPool2dGradKernel(
  k: KernelScope,
  dy: WasmData,
  x: WasmData,
  g: PoolGeometry,
  dx: WasmData,
): void {
  const emitted = k.instance.emitted;
  const tiles = windowsTile(g) && g.kh * g.kw <= MAX_POOL_GRAD_WINDOW;
  if (!emitted || !tiles || dx.size === 0 || g.oh * g.ow === 0) {
    kit.maxPool2dGrad(k.f32(dy), k.f32(x), g, k.f32(dx));
    return;
  }
  const shape = tilingShape(g);
  // Elements past the last window get no gradient.
  if (g.oh * g.kh !== g.h || g.ow * g.kw !== g.w) k.f32(dx).fill(0);
  emitted.shareShaped(
    maxPoolGradKey(shape),
    () => [maxPoolGradFunction(shape)],
    [x.ptr, dy.ptr, dx.ptr, 0],
    g.n,
  );
}

/** The emitted passes' geometry of a pool whose windows tile the input. */
function tilingShape(g: PoolGeometry): TilingWindowShape {
  return { h: g.h, w: g.w, c: g.c, kh: g.kh, kw: g.kw, oh: g.oh, ow: g.ow };
}

/** Windows that tile the input (stride = window, no padding) over at least one vector of channels. */
function windowsTile(g: PoolGeometry): boolean {
  return g.sh === g.kh && g.sw === g.kw && g.pt === 0 && g.pb === 0 && g.pl === 0 && g.pr === 0 && g.c >= 4;
}

/** dx of average pooling: the emitted pass where the windows tile the input, else the kit's loop. */
export function avgPool2dGradKernel(k: KernelScope, dy: WasmData, g: PoolGeometry, dx: WasmData): void {
  const emitted = k.instance.emitted;
  const count = g.kh * g.kw;
  const tiles = windowsTile(g) && count <= AVG_POOL_GRAD_WINDOW;
  if (!emitted || !tiles || dx.size === 0 || g.oh * g.ow === 0) {
    kit.avgPool2dGrad(k.f32(dy), g, k.f32(dx));
    return;
  }
  const shape = tilingShape(g);
  // Elements past the last window get no gradient.
  if (g.oh * g.kh !== g.h || g.ow * g.kw !== g.w) k.f32(dx).fill(0);
  emitted.shareShaped(avgPoolGradKey(shape), () => [avgPoolGradFunction(shape)], [dy.ptr, dx.ptr, 0, 0], g.n);
}
