/**
 * The strided input gradient's columns added back on the emitted col2im (codegen/col2im.ts), whole
 * images at a time and shared with the helper threads where there are some: the kit's col2im is
 * JavaScript on the calling thread, a third of ResNet-20's strided input gradients on one thread
 * ([32,16,16,32] ⊛ 3×3×32×64 stride 2) and all of it unshared. dx is built in a zero-padded buffer (every
 * window inside it, so the emitted loop tests no bounds) and cropped. Returns false where it does not
 * take the shape (the plain build, channels not a multiple of 4, wide windows, an image's columns over
 * the chunk): the caller runs the kit's col2im instead.
 */
import type { ConvGeometry } from '@dendrite/core/kit';
import { col2imEmittable, col2imFunction, col2imKey } from '../codegen/col2im.js';
import { smallConvGeometryOf } from '../codegen/small-conv-geometry.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { matmulKernel } from './matmul.js';

export function sharedCol2imBackpropInput(
  k: KernelScope,
  dy: WasmData,
  wT: WasmData,
  g: ConvGeometry,
  dx: WasmData,
  maxColFloats: number,
): boolean {
  const emitted = k.instance.emitted;
  const rowLen = g.kh * g.kw * g.cin;
  const imagePixels = g.oh * g.ow;
  const perChunk = Math.min(g.n, Math.floor(maxColFloats / (imagePixels * rowLen)));
  if (!emitted || !col2imEmittable(g.cin, g.kw) || perChunk < 1) return false;
  const hp = Math.max((g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1, g.pt + g.h);
  const wp = Math.max((g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1, g.pl + g.w);
  const shape = smallConvGeometryOf(g, hp, wp, g.cin);
  const paddedImage = hp * wp * g.cin;
  const padded = k.temp('float32', g.n * paddedImage);
  k.f32(padded).fill(0);
  const col = k.temp('float32', perChunk * imagePixels * rowLen);
  for (let i0 = 0; i0 < g.n; i0 += perChunk) {
    const images = Math.min(perChunk, g.n - i0);
    const rows = images * imagePixels;
    const dyPart = k.part(dy, i0 * imagePixels * g.cout, rows * g.cout);
    const colPart = k.part(col, 0, rows * rowLen);
    matmulKernel(k, dyPart, [rows, g.cout], wT, [g.cout, rowLen], false, false, colPart, [rows, rowLen]);
    emitted.shareShaped(
      col2imKey(shape),
      () => [col2imFunction(shape)],
      [colPart.ptr, padded.ptr + i0 * paddedImage * 4, 0, 0],
      images,
    );
  }
  // The crop: dx[n, iy, ix] = padded[n, iy + pt, ix + pl].
  const src = k.f32(padded);
  const out = k.f32(dx);
  const run = g.w * g.cin;
  for (let n = 0; n < g.n; n++)
    for (let iy = 0; iy < g.h; iy++) {
      const from = (n * hp + iy + g.pt) * wp * g.cin + g.pl * g.cin;
      out.set(src.subarray(from, from + run), (n * g.h + iy) * run);
    }
  k.drop(col);
  k.drop(padded);
  return true;
}
