/**
 * A whole LSTM layer, forward and back-propagation through time, each in one kernel call: the kit's
 * loops (core/kit/loops/lstm-sequence.ts) over the heap, with every product on the emitted SIMD GEMM
 * (split between the helper threads when large). Per step that is one small product and one
 * elementwise pass, with no dispatch, no allocation and no slicing between them. With helper threads,
 * the time loop runs in blocks of batch rows, one block per thread (runtime/lstm-blocks.ts).
 */
import * as kit from '@dendrite/core/kit';
import type { LstmStrides } from '../codegen/emitted-kernels.js';
import { GEMM_COLS, GEMM_ROWS } from '../codegen/gemm.js';
import { LSTM_TASK, stepStride } from '../runtime/lstm-blocks.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

/**
 * Multiply-adds from which a product is shared with the helper threads. The per-step products (W6:
 * 32×128×512, 2.1M) stay on the calling thread: 50 wake-ups per direction cost more than they save (a
 * same-process A/B on 2 shared cores: 1.14-1.55× faster unshared); the all-steps products (26M-105M) split.
 */
const SPLIT_STEP = 8_000_000;

/**
 * The most steps of K one weight-gradient product (transposed A, K = B·T) takes at once: the emitted
 * GEMM streams a K × 8 panel of B per column tile, which leaves L1 beyond about 1000 rows. W6's
 * dRecurrent (128×512, K = 1600) measured 19.8 GFLOPS in one product and 31.8 in four of K = 400 (one
 * thread); the partial products are added in order, so the bits do not depend on threads.
 */
const WEIGHT_GRAD_K = 512;

/**
 * The emitted GEMM on heap views (their byte offsets are heap addresses); the kit's for what it cannot
 * take. `partial` (at least m·n floats, allocated before the kit's views) holds a chunk's product where
 * a weight gradient is summed over chunks of K.
 */
function heapGemm(k: KernelScope, partial?: WasmData): kit.LstmGemm {
  const emitted = k.instance.emitted;
  return (m, n, kk, a, aOff, transA, b, bOff, c, cOff, bias) => {
    if (!emitted || n < GEMM_COLS || m === 0 || kk === 0) {
      kit.kitLstmGemm(m, n, kk, a, aOff, transA, b, bOff, c, cOff, bias);
      return;
    }
    const split = m * kk * n >= SPLIT_STEP;
    const pa = a.byteOffset + aOff * 4;
    const pb = b.byteOffset + bOff * 4;
    const pc = c.byteOffset + cOff * 4;
    if (transA && !bias && kk > WEIGHT_GRAD_K && partial && partial.size >= m * n) {
      const chunks = Math.ceil(kk / WEIGHT_GRAD_K);
      const add = emitted.elementwise().add_v;
      for (let i = 0; i < chunks; i++) {
        const k0 = Math.floor((i * kk) / chunks);
        const k1 = Math.floor(((i + 1) * kk) / chunks);
        const shape = { m, k: k1 - k0, n, transA, bias: false, activation: 'linear' as const };
        // A is stored [K, M]: chunk i is its rows k0…k1, against B's same rows.
        emitted.gemm(shape, pa + k0 * m * 4, pb + k0 * n * 4, i === 0 ? pc : partial.ptr, 0, split);
        if (i > 0) add(pc, partial.ptr, pc, m * n);
      }
      return;
    }
    // The emitted GEMM adds the bias to the float32 accumulator: the same rounding as matmul then add.
    const shape = { m, k: kk, n, transA, bias: bias !== undefined, activation: 'linear' as const };
    emitted.gemm(shape, pa, pb, pc, bias ? bias.byteOffset : 0, split);
  };
}

/**
 * Row blocks per participant of the threaded time loop. One block per thread keeps each step's GEMM as
 * tall as it can be (M = 16 rows of W6's 32); more blocks would let a thread that is slowed by other
 * processes hand over a block, at shorter GEMMs.
 */
const BLOCKS_PER_PARTICIPANT = 1;
/** Recurrent multiply-adds of a layer call (B·T·H·4H) below which the time loop stays on one thread. */
const SPLIT_RECURRENCE = 1_000_000;
/**
 * Recurrent multiply-adds of one block above which the time loop stays on the calling thread: a helper
 * inside one job for 10 s is taken for stalled (kernel-workers.ts), and a block is one job. 4e9 is about
 * 0.3 s of one core here (W6's blocks: 5e7).
 */
const MAX_BLOCK_WORK = 4e9;

/**
 * The number of equal row blocks the batch splits into for the time loop of lstm-blocks.ts (the block
 * GEMM's M is compiled in): 1 (the calling thread alone) with one participant, too little work to share,
 * no split into blocks of GEMM_ROWS rows, or blocks too long for one helper job; 0 where the kit's loop
 * runs instead (H not a multiple of 4, which the SIMD rows need, or below 8, which the step GEMM needs).
 */
export function lstmRowBlocks(participants: number, dims: kit.LstmDims): number {
  const { batch, steps, hidden } = dims;
  if (hidden % 4 !== 0 || hidden < GEMM_COLS) return 0;
  if (participants < 2 || batch * steps * hidden * 4 * hidden < SPLIT_RECURRENCE) return 1;
  for (let d = Math.min(BLOCKS_PER_PARTICIPANT * participants, Math.floor(batch / GEMM_ROWS)); d >= 2; d--) {
    if (batch % d === 0) return (batch / d) * steps * hidden * 4 * hidden > MAX_BLOCK_WORK ? 1 : d;
  }
  return 1;
}

/** The step products' row lengths: padded where the rows would fall on few L1 sets (stepStride). */
function strides(hidden: number): LstmStrides {
  return { forward: stepStride(4 * hidden), backward: stepStride(hidden) };
}

/** Row blocks for this call (lstmRowBlocks), 0 without emitted kernels. */
function blocksFor(k: KernelScope, dims: kit.LstmDims): number {
  const emitted = k.instance.emitted;
  return emitted ? lstmRowBlocks(emitted.participants, dims) : 0;
}

/** Fills the task's words (LSTM_TASK names → byte addresses and sizes) and runs its row blocks. */
function runBlocks(
  k: KernelScope,
  dims: kit.LstmDims,
  blocks: number,
  task: WasmData,
  words: Partial<Record<keyof typeof LSTM_TASK, number>>,
): void {
  const rows = dims.batch / blocks;
  const t = k.i32(task);
  t.fill(0);
  t[LSTM_TASK.steps] = dims.steps;
  t[LSTM_TASK.hidden] = dims.hidden;
  t[LSTM_TASK.rows] = rows;
  for (const [name, value] of Object.entries(words)) t[LSTM_TASK[name as keyof typeof LSTM_TASK]] = value | 0;
  k.instance.emitted!.lstmBlocks(dims.hidden, rows, strides(dims.hidden), task.ptr, blocks);
}

/** Copies `[rows, cols]` at `src` into `[rows, stride]` at `dst` (stride ≥ cols), zeros in the padding. */
function padRows(
  k: KernelScope,
  src: number,
  dst: WasmData,
  rows: number,
  cols: number,
  stride: number,
): void {
  k.instance.f32.fill(0, dst.ptr >>> 2, (dst.ptr >>> 2) + rows * stride);
  k.instance.emitted!.elementwise().copy_rows(src, 4 * cols, dst.ptr, 4 * stride, 4 * cols, rows);
}

/** The task's words: how many a participant count needs. */
function taskWords(k: KernelScope): number {
  return LSTM_TASK.taken + (k.instance.emitted?.participants ?? 1);
}

/** The emitted SIMD rows where the build has them and the hidden size is a multiple of 4. */
function simdRows(k: KernelScope, hidden: number) {
  const emitted = k.instance.emitted;
  return emitted && hidden % 4 === 0 ? emitted.lstmRows(hidden) : null;
}

export function lstmSequenceKernel(
  k: KernelScope,
  inputs: readonly WasmData[],
  dims: kit.LstmDims,
  out: WasmData,
): void {
  const { batch, hidden } = dims;
  const scratch = k.temp('float32', kit.lstmForwardScratch(dims));
  const blocks = blocksFor(k, dims);
  let recurrence: kit.LstmRecurrence | undefined;
  if (blocks > 0) {
    const task = k.temp('int32', taskWords(k));
    const layout = kit.lstmForwardLayout(dims);
    const stride = strides(hidden).forward;
    const padded = stride !== 4 * hidden;
    // U and h·U with rows of `stride` floats, where padded.
    const u = padded ? k.temp('float32', hidden * stride) : null;
    const rec = padded ? k.temp('float32', batch * stride).ptr : scratch.ptr + 4 * layout.rec;
    recurrence = () => {
      if (u) padRows(k, inputs[2].ptr, u, hidden, 4 * hidden, stride);
      runBlocks(k, dims, blocks, task, {
        backward: 0,
        trajectory: out.ptr,
        c0: inputs[5].ptr,
        recurrent: u ? u.ptr : inputs[2].ptr,
        proj: scratch.ptr + 4 * layout.proj,
        rec,
        hCur: scratch.ptr + 4 * layout.hCur,
        stride,
      });
    };
  }
  // Views after the last allocation (a growing heap detaches them on the non-threaded build).
  const [x, kernel, recurrent, bias, h0, c0] = inputs.map((d) => k.f32(d));
  const rows = simdRows(k, dims.hidden);
  const row: kit.LstmForwardRow | undefined = rows
    ? (proj, p, rec, q, cPrev, c, traj, o, hCur, h) =>
        rows.forward(
          proj.byteOffset + 4 * p,
          rec.byteOffset + 4 * q,
          cPrev.byteOffset + 4 * c,
          traj.byteOffset + 4 * o,
          hCur.byteOffset + 4 * h,
        )
    : undefined;
  kit.lstmSequenceForward(x, kernel, recurrent, bias, h0, c0, dims, k.f32(out), k.f32(scratch), heapGemm(k), {
    row,
    recurrence,
  });
}

/** `outs`: dx, dKernel, dRecurrent, dBias, dh0, dc0. */
export function lstmSequenceGradKernel(
  k: KernelScope,
  inputs: readonly WasmData[],
  dims: kit.LstmDims,
  outs: readonly WasmData[],
): void {
  const scratch = k.temp('float32', kit.lstmBackwardScratch(dims));
  const { batch, features, hidden } = dims;
  const emitted = k.instance.emitted;
  const partial = emitted ? k.temp('float32', Math.max(features, hidden) * 4 * hidden) : undefined;
  // The bias gradient's float64 column sums (column-sum.ts), two floats each.
  const columnAcc = emitted ? k.temp('float32', 8 * hidden) : null;
  const blocks = blocksFor(k, dims);
  let recurrence: kit.LstmRecurrence | undefined;
  if (blocks > 0) {
    const task = k.temp('int32', taskWords(k));
    const layout = kit.lstmBackwardLayout(dims);
    const at = (offset: number) => scratch.ptr + 4 * offset;
    const stride = strides(hidden).backward;
    const padded = stride !== hidden;
    // Uᵀ and dh with rows of `stride` floats, where padded.
    const uT = padded ? k.temp('float32', 4 * hidden * stride) : null;
    const dh = padded ? k.temp('float32', batch * stride) : null;
    recurrence = () => {
      if (uT && dh) {
        padRows(k, at(layout.uT), uT, 4 * hidden, hidden, stride);
        k.instance.f32.fill(0, dh.ptr >>> 2, (dh.ptr >>> 2) + batch * stride);
      }
      runBlocks(k, dims, blocks, task, {
        backward: 1,
        trajectory: inputs[4].ptr,
        c0: inputs[6].ptr,
        recurrent: uT ? uT.ptr : at(layout.uT),
        dOut: inputs[0].ptr,
        dZ: at(layout.dZ),
        dzt: at(layout.dzt),
        dh: dh ? dh.ptr : at(layout.dh),
        dc: at(layout.dc),
        stride,
      });
      // The kit reads dh0 from its own dh.
      if (dh)
        emitted!.elementwise().copy_rows(dh.ptr, 4 * stride, at(layout.dh), 4 * hidden, 4 * hidden, batch);
    };
  }
  const [dOut, x, kernel, recurrent, trajectory, h0, c0] = inputs.map((d) => k.f32(d));
  const [dx, dKernel, dRecurrent, dBias, dh0, dc0] = outs.map((d) => k.f32(d));
  kit.lstmSequenceBackward(
    dOut,
    x,
    kernel,
    recurrent,
    trajectory,
    h0,
    c0,
    dims,
    { dx, dKernel, dRecurrent, dBias, dh0, dc0 },
    k.f32(scratch),
    heapGemm(k, partial),
    {
      row: backwardRow(k, dims.hidden),
      recurrence,
      ...(emitted && columnAcc ? heapPasses(emitted, columnAcc) : {}),
    },
  );
}

/** The backward's column sum and strided copy as the emitted passes (same rounding as the kit's loops). */
function heapPasses(
  emitted: NonNullable<KernelScope['instance']['emitted']>,
  columnAcc: WasmData,
): Pick<kit.LstmBackwardOptions, 'sumColumns' | 'copyRows'> {
  const passes = emitted.elementwise();
  return {
    sumColumns: (src, off, rows, cols, out) =>
      passes.sum_columns(src.byteOffset + 4 * off, columnAcc.ptr, out.byteOffset, rows, cols),
    copyRows: (src, srcOff, srcStride, dst, dstOff, dstStride, run, rows) =>
      passes.copy_rows(
        src.byteOffset + 4 * srcOff,
        4 * srcStride,
        dst.byteOffset + 4 * dstOff,
        4 * dstStride,
        4 * run,
        rows,
      ),
  };
}

function backwardRow(k: KernelScope, hidden: number): kit.LstmBackwardRow | undefined {
  const rows = simdRows(k, hidden);
  if (!rows) return undefined;
  return (traj, o, cPrev, c, dOut, s, dh, dc, zRow, zStep) => {
    const base = s.byteOffset;
    rows.backward(
      traj.byteOffset + 4 * o,
      cPrev.byteOffset + 4 * c,
      dOut.byteOffset + 4 * o,
      base + 4 * dh,
      base + 4 * dc,
      base + 4 * zRow,
      base + 4 * zStep,
    );
  };
}
