/**
 * conv2d's filter gradient, which the module lacks (why TensorFlow.js's wasm backend cannot train a
 * convnet): dWᵀ [Cout, kh*kw*Cin] = dyᵀ · col, with col the im2col of x [P, kh*kw*Cin] built in
 * TypeScript and the product on XNNPACK, a chunk of pixels at a time (partial products summed), then one
 * small transpose. On the threaded build the chunks are shared with the helper threads (see
 * sharedBackpropFilter). Depthwise filters use the kit's direct loops; other grouped
 * convolutions run per group on channel slices.
 */
import * as kit from '@dendrite/core/kit';
import { type ConvGeometry, depthwiseBackpropFilter, im2col } from '@dendrite/core/kit';
import { GEMM_COLS, type GemmShape } from '../codegen/gemm.js';
import { FILTER_TASK, filterScratch } from '../runtime/kernel-workers.js';
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

/**
 * Multiply-adds of one chunk below which the filter gradient is not shared with the helper threads: a
 * chunk (its im2col and its GEMM) is the unit a thread takes, and it must outweigh the take (an atomic
 * compare-and-swap) and its partial sum; the whole gradient must outweigh waking the helpers.
 */
const SHARED_CHUNK_WORK = 32_768;
const SHARED_TOTAL_WORK = 1_000_000;
/** The smallest chunk tried when looking for a chunk size that divides the pixels evenly. */
const MIN_ROWS_PER_CHUNK = 128;

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
  if (sharedBackpropFilter(k, x, dy, g, df)) return;
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

/** Rows per chunk: the largest divisor of `pixels` in [MIN_ROWS_PER_CHUNK, ROWS_PER_CHUNK], else the most. */
function evenChunk(pixels: number): number {
  for (let r = ROWS_PER_CHUNK; r >= MIN_ROWS_PER_CHUNK; r--) if (pixels % r === 0) return r;
  return ROWS_PER_CHUNK;
}

/**
 * The dense filter gradient shared with the helper threads (threaded build): the pixel chunks are
 * independent (each an im2col and a GEMM into a partial sum), so every participant takes whole chunks
 * into scratch of its own and the partial sums are added at the end; the im2col is split with the GEMMs,
 * not left on the calling thread. Returns false where it does not pay (no helpers, chunks too small or
 * too few) and the serial path runs instead.
 */
function sharedBackpropFilter(
  k: KernelScope,
  x: WasmData,
  dy: WasmData,
  g: ConvGeometry,
  df: WasmData,
): boolean {
  const emitted = k.instance.emitted;
  const participants = emitted ? emitted.participants : 1;
  if (!emitted || participants < 2) return false;
  const rowLen = g.kh * g.kw * g.cin;
  const pixels = g.n * g.oh * g.ow;
  const rows = evenChunk(pixels);
  const units = Math.floor(pixels / rows);
  const chunkWork = rows * rowLen * g.cout;
  if (
    units < 2 ||
    rowLen < GEMM_COLS ||
    chunkWork < SHARED_CHUNK_WORK ||
    units * chunkWork < SHARED_TOTAL_WORK
  )
    return false;
  const columnBytes = Math.floor(rowLen / GEMM_COLS) * GEMM_COLS * 4;
  const layout = filterScratch(rows, rowLen, g.cout);
  const scratch = k.temp('float32', (layout.stride / 4) * participants);
  const block = k.temp('int32', FILTER_TASK.used + participants);
  const words: [keyof typeof FILTER_TASK, number][] = [
    ['x', x.ptr],
    ['dy', dy.ptr],
    ['scratch', scratch.ptr],
    ['stride', layout.stride],
    ['rows', rows],
    ['h', g.h],
    ['w', g.w],
    ['cin', g.cin],
    ['oh', g.oh],
    ['ow', g.ow],
    ['kh', g.kh],
    ['kw', g.kw],
    ['sh', g.sh],
    ['sw', g.sw],
    ['dh', g.dh],
    ['dw', g.dw],
    ['pt', g.pt],
    ['pl', g.pl],
    ['cout', g.cout],
    ['columnBytes', columnBytes],
  ];
  const b = k.i32(block);
  b.fill(0);
  for (const [name, value] of words) b[FILTER_TASK[name]] = value | 0;
  // Each chunk: dWᵀ_chunk [cout, rowLen] = dy_chunkᵀ · col (A is dy's rows, stored [K, M]).
  const shape: GemmShape = { m: g.cout, k: rows, n: rowLen, transA: true, bias: false, activation: 'linear' };
  const gemm = emitted.gemmCall(shape);
  const size = g.cout * rowLen;
  const own = {
    col: scratch.ptr + layout.col,
    product: scratch.ptr + layout.product,
    partial: scratch.ptr + layout.partial,
  };
  let first = true;
  emitted.filterChunks(shape, block.ptr, units, (c0, c1) => {
    for (let c = c0; c < c1; c++) {
      const heap = k.instance.f32;
      im2col(
        k.f32(x),
        g,
        0,
        c * rows,
        rows,
        0,
        rowLen,
        heap.subarray(own.col >>> 2, (own.col >>> 2) + rows * rowLen),
      );
      gemm(dy.ptr + c * rows * g.cout * 4, own.col, first ? own.partial : own.product, 0, 0, columnBytes, 1);
      if (!first) addInto(k.instance.f32, own.partial >>> 2, own.product >>> 2, size);
      first = false;
    }
  });
  k.i32(block)[FILTER_TASK.used] = first ? 0 : 1;
  // The sum of the partials of every participant that took a chunk, into a [cout, rowLen] block.
  const dwT = k.temp('float32', size);
  const heap = k.instance.f32;
  const used = k.i32(block);
  const out = dwT.ptr >>> 2;
  let any = false;
  for (let s = 0; s < participants; s++) {
    if (used[FILTER_TASK.used + s] === 0) continue;
    const p = (scratch.ptr + s * layout.stride + layout.partial) >>> 2;
    if (!any) heap.copyWithin(out, p, p + size);
    else addInto(heap, out, p, size);
    any = true;
  }
  if (!any) heap.fill(0, out, out + size);
  // Pixels left over when no chunk size divides them evenly: one more chunk on this thread.
  const done = units * rows;
  if (done < pixels) {
    const tail = pixels - done;
    const colPart = k.part(scratch, 0, tail * rowLen);
    im2col(k.f32(x), g, 0, done, tail, 0, rowLen, k.f32(colPart));
    const dyPart = k.part(dy, done * g.cout, tail * g.cout);
    const product = k.temp('float32', size);
    matmulKernel(k, dyPart, [tail, g.cout], colPart, [tail, rowLen], true, false, product, [g.cout, rowLen]);
    addInto(k.instance.f32, out, product.ptr >>> 2, size);
    k.drop(product);
  }
  transposeKernel(k, dwT, [g.cout, rowLen], [1, 0], df);
  k.drop(dwT);
  k.drop(scratch);
  k.drop(block);
  return true;
}

/** heap[a + i] += heap[b + i] for i < n. */
function addInto(heap: Float32Array, a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) heap[a + i] += heap[b + i];
}
