/**
 * conv2d's filter gradient, which the module lacks (why TensorFlow.js's wasm backend cannot train a
 * convnet): dWᵀ [Cout, kh*kw*Cin] = dyᵀ · col, with col the im2col of x [P, kh*kw*Cin] (built by
 * im2colRuns: strided copy_rows runs, kernel-workers.ts) and the product on the backend's matmul (the
 * emitted GEMM when shared), a chunk of pixels at a time (partial products summed), then one small
 * transpose. On the threaded build blocks of chunks are shared with the helper threads, with the
 * same result whoever takes them (see sharedBackpropFilter). Depthwise filters use the kit's direct
 * loops; other grouped convolutions run per group on channel slices.
 */
import * as kit from '@dendrite/core/kit';
import { type ConvGeometry, depthwiseBackpropFilter } from '@dendrite/core/kit';
import { GEMM_COLS, type GemmShape } from '../codegen/gemm.js';
import { blockStart, FILTER_TASK, filterScratch, im2colRuns } from '../runtime/kernel-workers.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { smallChannelBackpropFilter } from './conv2d-grad-filter-small.js';
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
 * chunk (its im2col and its GEMM) must outweigh its sum into a block's accumulator and its share of a
 * block's take (an atomic compare-and-swap); the whole gradient must outweigh waking the helpers.
 */
const SHARED_CHUNK_WORK = 32_768;
const SHARED_TOTAL_WORK = 1_000_000;
/**
 * Blocks of chunks per participant configured: enough that a helper which joins late still finds work
 * and the participants finish within a block of each other; each block costs an accumulator of the
 * filter's size and one add at the end.
 */
const BLOCKS_PER_PARTICIPANT = 4;
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
  if (smallChannelBackpropFilter(k, x, dy, g, df)) return;
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
    im2colChunk(k, x, g, p0, rows, colPart.ptr);
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
 * independent (each an im2col and a GEMM), so they are split into a fixed number of blocks, and whoever
 * takes a block sums its chunks in order into the block's own accumulator; the accumulators are added in
 * block order at the end. The blocks follow from the shape and the participants configured, never from
 * which thread joined or when, so the result is the same bits on every run (a reproducible run, a
 * bit-identical --resume). The im2col is split with the GEMMs, not left on the calling thread. Returns
 * false where it does not pay (no helpers, chunks too small or too few) and the serial path runs instead.
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
  const blocks = Math.min(units, BLOCKS_PER_PARTICIPANT * participants);
  const columnBytes = Math.floor(rowLen / GEMM_COLS) * GEMM_COLS * 4;
  const layout = filterScratch(rows, rowLen, g.cout);
  const slotsAt = layout.stride * participants;
  const scratch = k.temp('float32', (slotsAt + layout.slot * blocks) / 4);
  const task = k.temp('int32', FILTER_TASK.done + participants);
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
    ['units', units],
    ['blocks', blocks],
    ['slots', scratch.ptr + slotsAt],
  ];
  const t = k.i32(task);
  t.fill(0);
  for (const [name, value] of words) t[FILTER_TASK[name]] = value | 0;
  // Each chunk: dWᵀ_chunk [cout, rowLen] = dy_chunkᵀ · col (A is dy's rows, stored [K, M]).
  const shape: GemmShape = { m: g.cout, k: rows, n: rowLen, transA: true, bias: false, activation: 'linear' };
  const gemm = emitted.gemmCall(shape);
  const size = g.cout * rowLen;
  const col = scratch.ptr + layout.col;
  const product = scratch.ptr + layout.product;
  const slot = (b: number) => scratch.ptr + slotsAt + b * layout.slot;
  // The same float32 adds as a JavaScript loop, in SIMD: the block sums after the shared part are serial.
  const add = emitted.elementwise().add_v;
  emitted.filterBlocks(shape, task.ptr, blocks, (b0, b1) => {
    for (let b = b0; b < b1; b++) {
      const first = blockStart(b, units, blocks);
      const end = blockStart(b + 1, units, blocks);
      for (let c = first; c < end; c++) {
        im2colChunk(k, x, g, c * rows, rows, col);
        gemm(dy.ptr + c * rows * g.cout * 4, col, c === first ? slot(b) : product, 0, 0, columnBytes, 1);
        if (c !== first) add(slot(b), product, slot(b), size);
      }
      Atomics.add(k.instance.i32, (task.ptr >>> 2) + FILTER_TASK.done, 1);
    }
  });
  // The accumulators in block order, into a [cout, rowLen] block.
  const dwT = k.temp('float32', size);
  const s0 = slot(0) >>> 2;
  k.instance.f32.copyWithin(dwT.ptr >>> 2, s0, s0 + size);
  for (let b = 1; b < blocks; b++) add(dwT.ptr, slot(b), dwT.ptr, size);
  // Pixels left over when no chunk size divides them evenly: one more chunk on this thread.
  const done = units * rows;
  if (done < pixels) {
    const tail = pixels - done;
    const colPart = k.part(scratch, 0, tail * rowLen);
    im2colChunk(k, x, g, done, tail, colPart.ptr);
    const dyPart = k.part(dy, done * g.cout, tail * g.cout);
    const tailProduct = k.temp('float32', size);
    matmulKernel(k, dyPart, [tail, g.cout], colPart, [tail, rowLen], true, false, tailProduct, [
      g.cout,
      rowLen,
    ]);
    add(dwT.ptr, tailProduct.ptr, dwT.ptr, size);
    k.drop(tailProduct);
  }
  transposeKernel(k, dwT, [g.cout, rowLen], [1, 0], df);
  k.drop(dwT);
  k.drop(scratch);
  k.drop(task);
  return true;
}

/** The im2col of output pixels [p0, p0 + rows) (groups = 1) at byte address `col` of the heap. */
function im2colChunk(
  k: KernelScope,
  x: WasmData,
  g: ConvGeometry,
  p0: number,
  rows: number,
  col: number,
): void {
  const { h, w, cin, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl } = g;
  const copyRows = k.instance.emitted?.elementwise().copy_rows ?? null;
  im2colRuns(
    k.instance.f32,
    copyRows,
    x.ptr >>> 2,
    col >>> 2,
    p0,
    rows,
    h,
    w,
    cin,
    oh,
    ow,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    pt,
    pl,
  );
}
