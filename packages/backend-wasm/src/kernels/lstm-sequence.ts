/**
 * A whole LSTM layer, forward and back-propagation through time, each in one kernel call: the kit's
 * loops (core/kit/loops/lstm-sequence.ts) over the heap, with every product on the emitted SIMD GEMM
 * (split between the helper threads when large). Per step that is one small product and one
 * elementwise pass, with no dispatch, no allocation and no slicing between them. With helper threads,
 * the time loop runs in blocks of batch rows, one block per thread (runtime/lstm-blocks.ts).
 */
import * as kit from '@dendrite/core/kit';
import { GEMM_COLS, GEMM_ROWS } from '../codegen/gemm.js';
import { LSTM_TASK } from '../runtime/lstm-blocks.js';
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
 * The number of equal row blocks the batch splits into for the threaded time loop (the block GEMM's M is
 * compiled in), or 0 where it stays on the calling thread: no helpers, no SIMD rows, a hidden size the
 * emitted step GEMM does not take (H < 8), too little work, or no split into blocks of GEMM_ROWS rows.
 */
export function lstmRowBlocks(participants: number, dims: kit.LstmDims): number {
  const { batch, steps, hidden } = dims;
  if (participants < 2 || hidden % 4 !== 0 || hidden < GEMM_COLS) return 0;
  if (batch * steps * hidden * 4 * hidden < SPLIT_RECURRENCE) return 0;
  for (let d = Math.min(BLOCKS_PER_PARTICIPANT * participants, Math.floor(batch / GEMM_ROWS)); d >= 2; d--) {
    if (batch % d === 0) return d;
  }
  return 0;
}

/**
 * The time loop as row blocks shared with the helper threads (`blocks` from lstmRowBlocks), its task
 * words filled from `words` (LSTM_TASK names → byte addresses and sizes); null where it stays on the kit.
 */
function sharedRecurrence(
  k: KernelScope,
  dims: kit.LstmDims,
  blocks: number,
  task: WasmData,
  words: Partial<Record<keyof typeof LSTM_TASK, number>>,
): kit.LstmRecurrence {
  const emitted = k.instance.emitted!;
  const rows = dims.batch / blocks;
  return () => {
    const t = k.i32(task);
    t.fill(0);
    t[LSTM_TASK.steps] = dims.steps;
    t[LSTM_TASK.hidden] = dims.hidden;
    t[LSTM_TASK.rows] = rows;
    for (const [name, value] of Object.entries(words))
      t[LSTM_TASK[name as keyof typeof LSTM_TASK]] = value | 0;
    emitted.lstmBlocks(dims.hidden, rows, task.ptr, blocks);
  };
}

/** Participants the time loop may use: the calling thread and the emitted kernels' helpers. */
function participants(k: KernelScope): number {
  return k.instance.emitted?.participants ?? 1;
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
  const scratch = k.temp('float32', kit.lstmForwardScratch(dims));
  const blocks = lstmRowBlocks(participants(k), dims);
  const task = blocks > 0 ? k.temp('int32', LSTM_TASK.taken + participants(k)) : null;
  const layout = kit.lstmForwardLayout(dims);
  const recurrence = task
    ? sharedRecurrence(k, dims, blocks, task, {
        backward: 0,
        trajectory: out.ptr,
        c0: inputs[5].ptr,
        recurrent: inputs[2].ptr,
        proj: scratch.ptr + 4 * layout.proj,
        rec: scratch.ptr + 4 * layout.rec,
        hCur: scratch.ptr + 4 * layout.hCur,
      })
    : undefined;
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
  const { features, hidden } = dims;
  const emitted = k.instance.emitted;
  const partial = emitted ? k.temp('float32', Math.max(features, hidden) * 4 * hidden) : undefined;
  // The bias gradient's float64 column sums (column-sum.ts), two floats each.
  const columnAcc = emitted ? k.temp('float32', 8 * hidden) : null;
  const blocks = lstmRowBlocks(participants(k), dims);
  const task = blocks > 0 ? k.temp('int32', LSTM_TASK.taken + participants(k)) : null;
  const layout = kit.lstmBackwardLayout(dims);
  const at = (offset: number) => scratch.ptr + 4 * offset;
  const recurrence = task
    ? sharedRecurrence(k, dims, blocks, task, {
        backward: 1,
        trajectory: inputs[4].ptr,
        c0: inputs[6].ptr,
        recurrent: at(layout.uT),
        dOut: inputs[0].ptr,
        dZ: at(layout.dZ),
        dzt: at(layout.dzt),
        dh: at(layout.dh),
        dc: at(layout.dc),
      })
    : undefined;
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
