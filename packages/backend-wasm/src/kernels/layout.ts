/**
 * Copies that move whole runs: slice, concat, pad, gather and scatter-add. The module has no Slice or
 * Concat kernel (tfjs does them in JavaScript too); its Gather and int/bool Pad compute index vectors per
 * element. float32 pads run on XNNPACK's constant pad; concat, and slices that cut the last axis only,
 * of 4-byte elements on the emitted strided copy (codegen/copy-rows.ts); everything else on the kit's
 * loops over the heap views.
 */
import type { Shape } from '@dendrite/core';
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

/** Joins `xs` along `axis` into `out`: per input, `outer` runs of `shape[axis] * inner` elements. */
export function concatKernel(
  k: KernelScope,
  xs: readonly WasmData[],
  shapes: readonly Shape[],
  axis: number,
  out: WasmData,
  outShape: Shape,
): void {
  const emitted = k.instance.emitted;
  if (!emitted || out.dtype === 'bool') {
    kit.concat(
      xs.map((s, i) => ({ data: k.view(s), shape: shapes[i] })),
      axis,
      k.view(out),
      outShape,
    );
    return;
  }
  const [outer, n, inner] = kit.splitAt(outShape, axis);
  const outRow = 4 * n * inner;
  const copyRows = emitted.elementwise().copy_rows;
  let offset = 0;
  xs.forEach((x, i) => {
    const run = 4 * shapes[i][axis] * inner;
    if (run > 0) copyRows(x.ptr, run, out.ptr + offset, outRow, run, outer);
    offset += run;
  });
}

/** `out` = the box of `outShape` at `begin` in `x`. */
export function sliceKernel(
  k: KernelScope,
  x: WasmData,
  shape: Shape,
  begin: readonly number[],
  out: WasmData,
  outShape: Shape,
): void {
  const r = shape.length;
  const emitted = k.instance.emitted;
  // Only the last axis cut: rows of the leading axes, each one run.
  const lastOnly = r >= 1 && shape.every((d, i) => i === r - 1 || (begin[i] === 0 && outShape[i] === d));
  if (!emitted || x.dtype === 'bool' || !lastOnly || out.size === 0) {
    kit.slice(k.view(x), shape, begin, k.view(out), outShape);
    return;
  }
  const c = shape[r - 1];
  const run = outShape[r - 1];
  emitted.elementwise().copy_rows(x.ptr + 4 * begin[r - 1], 4 * c, out.ptr, 4 * run, 4 * run, out.size / run);
}
