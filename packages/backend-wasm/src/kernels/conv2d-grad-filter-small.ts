/**
 * conv2d's filter gradient for few output channels (groups = 1, 4 ≤ Cout ≤ 16) on the emitted direct
 * loop of codegen/small-conv-filter.ts, on the calling thread: x is copied into a zero-padded buffer
 * (unless every window already lies inside it), dW is zeroed and the loop adds every pixel's outer
 * product in order. Returns false where the shape is not one it takes (the plain build, more channels:
 * there im2col + GEMM, whose packing pays once M = Cout fills its tiles).
 */
import type { ConvGeometry } from '@dendrite/core/kit';
import {
  SMALL_FILTER_MAX_COUT,
  SMALL_FILTER_MIN_COUT,
  type SmallConvFilterShape,
  smallConvFilterFunction,
  smallConvFilterKey,
} from '../codegen/small-conv-filter.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

type SmallFilterCall = (pxp: number, pdy: number, pdw: number, images: number) => void;

export function smallChannelBackpropFilter(
  k: KernelScope,
  x: WasmData,
  dy: WasmData,
  g: ConvGeometry,
  df: WasmData,
): boolean {
  const emitted = k.instance.emitted;
  if (!emitted || g.groups !== 1 || g.cout < SMALL_FILTER_MIN_COUT || g.cout > SMALL_FILTER_MAX_COUT)
    return false;
  // Rows and columns of input the windows span, padding included.
  const needH = (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1;
  const needW = (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  const inside = g.pt === 0 && g.pl === 0 && needH <= g.h && needW <= g.w;
  const hp = inside ? g.h : needH;
  const wp = inside ? g.w : needW;
  const shape: SmallConvFilterShape = {
    hp,
    wp,
    cin: g.cin,
    cout: g.cout,
    oh: g.oh,
    ow: g.ow,
    kh: g.kh,
    kw: g.kw,
    sh: g.sh,
    sw: g.sw,
    dh: g.dh,
    dw: g.dw,
  };
  const key = smallConvFilterKey(shape);
  const run = emitted.shapedKernel(key, () => [smallConvFilterFunction(shape)])
    .conv_filter_small as unknown as SmallFilterCall;
  const padded = inside ? null : k.temp('float32', g.n * hp * wp * g.cin);
  if (padded) padInput(k.f32(x), g, hp, wp, k.f32(padded));
  k.f32(df).fill(0);
  run(padded ? padded.ptr : x.ptr, dy.ptr, df.ptr, g.n);
  if (padded) k.drop(padded);
  return true;
}

/** x `[n, h, w, c]` into `out` `[n, hp, wp, c]` at row pt and column pl, zeros around, cropped to it. */
function padInput(x: Float32Array, g: ConvGeometry, hp: number, wp: number, out: Float32Array): void {
  out.fill(0);
  const c = g.cin;
  const x0 = Math.max(0, -g.pl);
  const x1 = Math.min(g.w, wp - g.pl);
  if (x1 <= x0) return;
  for (let n = 0; n < g.n; n++)
    for (let iy = 0; iy < g.h; iy++) {
      const r = iy + g.pt;
      if (r < 0 || r >= hp) continue;
      const src = ((n * g.h + iy) * g.w + x0) * c;
      out.set(x.subarray(src, src + (x1 - x0) * c), ((n * hp + r) * wp + x0 + g.pl) * c);
    }
}
