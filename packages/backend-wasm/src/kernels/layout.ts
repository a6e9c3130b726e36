/**
 * Copies that move whole runs: slice, concat, pad, gather and scatter-add. The module has no Slice or
 * Concat kernel (tfjs does them in JavaScript too); its Gather and int/bool Pad compute index vectors per
 * element. float32 pads run on XNNPACK's constant pad; everything else on the kit's loops over the heap
 * views (every contiguous run one `TypedArray.set`, a memcpy).
 */
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function padKernel(
  k: KernelScope,
  x: WasmData,
  shape: readonly number[],
  pads: readonly (readonly [number, number])[],
  value: number,
  out: WasmData,
  outShape: readonly number[],
): void {
  if (out.size === 0) return;
  const r = shape.length;
  if (x.dtype === 'float32' && x.size > 0 && r >= 1 && r <= 6 && !Number.isNaN(value)) {
    // XNNPACK's constant pad (x32 copies, SIMD). Its operator is cached by pad value, and a NaN key
    // would compare equal to any other, so NaN pads take the TypeScript path.
    k.callSized(
      out.size,
      'PadV2',
      x.cid,
      k.ints(shape),
      r,
      0,
      k.ints(pads.map((p) => p[0])),
      k.ints(pads.map((p) => p[1])),
      value,
      out.cid,
    );
    return;
  }
  kit.pad(k.view(x), shape, pads, kit.elementOf(value, x.dtype), k.view(out), outShape);
}

export function gatherKernel(
  k: KernelScope,
  x: WasmData,
  shape: readonly number[],
  indices: WasmData,
  axis: number,
  out: WasmData,
): void {
  const [outer, n, inner] = kit.splitAt(shape, axis);
  kit.gather(k.view(x), outer, n, inner, k.i32(indices), k.view(out));
}

export function scatterAddKernel(
  k: KernelScope,
  updates: WasmData,
  indices: WasmData,
  axis: number,
  out: WasmData,
  outShape: readonly number[],
): void {
  const [outer, n, inner] = kit.splitAt(outShape, axis);
  kit.scatterAdd(k.f32(updates), outer, n, inner, k.i32(indices), k.f32(out));
}

/** Copies channels [c0, c0 + cg) of `x` [..., C] into `out` [..., cg] (a grouped convolution's slice). */
export function sliceChannels(x: Float32Array, c: number, c0: number, cg: number, out: Float32Array): void {
  const pixels = x.length / c;
  kit.slice(x, [pixels, c], [0, c0], out, [pixels, cg]);
}

/** Writes `part` [..., cg] into channels [c0, c0 + cg) of `out` [..., C]. */
export function placeChannels(
  part: Float32Array,
  cg: number,
  out: Float32Array,
  c: number,
  c0: number,
): void {
  const pixels = out.length / c;
  kit.place(part, [pixels, cg], out, [pixels, c], [0, c0]);
}
