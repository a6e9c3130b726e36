/**
 * conv2d's filter gradient, which the module lacks (why TensorFlow.js's wasm backend cannot train a
 * convnet): dWᵀ [Cout, kh*kw*Cin] = dyᵀ · col, with col the im2col of x [P, kh*kw*Cin] built in
 * TypeScript and the product on XNNPACK, a chunk of pixels at a time (partial products summed), then one
 * small transpose. Depthwise filters use the kit's direct loops; other grouped
 * convolutions run per group on channel slices.
 */
import * as kit from '@dendrite/core/kit';
import { type ConvGeometry, depthwiseBackpropFilter, im2col } from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { placeChannels, sliceChannels } from './layout.js';
import { matmulKernel } from './matmul.js';
import { transposeKernel } from './transpose.js';

/**
 * Output pixels per chunk. XNNPACK packs B (the im2col chunk) with a transposing copy that slows down
 * once B has thousands of rows: measured on [8,32,32,64] ⊛ 3×3×64×64 (1 thread), 512-row chunks ran at
 * 15.7 GFLOPS against 8.5 with one 8192-row chunk and 16.2 for the colᵀ·dy form (im2col transposed by
 * the module's Transpose); on LeNet-sized layers and stride 2 the chunked form was 1.3-1.6× faster.
 */
const ROWS_PER_CHUNK = 512;

export function conv2dBackpropFilterKernel(
  k: KernelScope,
  x: WasmData,
  dy: WasmData,
  g: ConvGeometry,
  df: WasmData,
): void {
  if (df.size === 0) return;
  if (g.n * g.oh * g.ow === 0 || g.h * g.w === 0) {
    k.f32(df).fill(0);
    return;
  }
  if (g.groups === 1) {
    denseBackpropFilter(k, x, dy, g, df);
    return;
  }
  if (g.cinG === 1) {
    // Depthwise (groups = C).
    depthwiseBackpropFilter(k.f32(x), k.f32(dy), k.f32(df), g);
    return;
  }
  const cg = g.cinG;
  const og = g.cout / g.groups;
  const sub: ConvGeometry = { ...g, cin: cg, cout: og, coutG: og, groups: 1 };
  const xg = k.temp('float32', g.n * g.h * g.w * cg);
  const dyg = k.temp('float32', g.n * g.oh * g.ow * og);
  const dfg = k.temp('float32', g.kh * g.kw * cg * og);
  for (let gi = 0; gi < g.groups; gi++) {
    sliceChannels(k.f32(x), g.cin, gi * cg, cg, k.f32(xg));
    sliceChannels(k.f32(dy), g.cout, gi * og, og, k.f32(dyg));
    denseBackpropFilter(k, xg, dyg, sub, dfg);
    placeChannels(k.f32(dfg), og, k.f32(df), g.cout, gi * og);
  }
}

function denseBackpropFilter(k: KernelScope, x: WasmData, dy: WasmData, g: ConvGeometry, df: WasmData): void {
  // dWᵀ [Cout, kh*kw*Cin] = Σ over pixel chunks of dyᵀ · col; col [rows, kh*kw*Cin] is B as built (XNNPACK
  // packs it), dy's rows are transposed (small), and dWᵀ is transposed once at the end.
  const rowLen = g.kh * g.kw * g.cin;
  const pixels = g.n * g.oh * g.ow;
  const chunk = Math.max(1, Math.min(pixels, ROWS_PER_CHUNK));
  const col = k.temp('float32', chunk * rowLen);
  const dwT = k.temp('float32', df.size);
  const partial = pixels > chunk ? k.temp('float32', df.size) : null;
  for (let p0 = 0; p0 < pixels; p0 += chunk) {
    const p1 = Math.min(pixels, p0 + chunk);
    const rows = p1 - p0;
    // col is B: k.part gives each chunk a fresh id, so no operator packed from an earlier chunk applies.
    const colPart = k.part(col, 0, rows * rowLen);
    im2col(k.f32(x), g, 0, p0, rows, 0, rowLen, k.f32(colPart));
    const dyPart = k.part(dy, p0 * g.cout, rows * g.cout);
    const target = p0 === 0 ? dwT : partial!;
    matmulKernel(k, dyPart, [rows, g.cout], colPart, [rows, rowLen], true, false, target, [g.cout, rowLen]);
    if (p0 > 0) {
      const acc = k.f32(dwT);
      kit.binary('add', acc, [acc.length], k.f32(partial!), [acc.length], acc, [acc.length]);
    }
  }
  transposeKernel(k, dwT, [g.cout, rowLen], [1, 0], df);
  k.drop(col);
  k.drop(dwT);
  if (partial) k.drop(partial);
}
