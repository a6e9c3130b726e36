/**
 * The LSTM's time loop over a block of batch rows, at heap addresses: the kit's loops
 * (core/kit/loops/lstm-sequence.ts) for rows [r0, r0 + rows). An LSTM's batch rows never meet inside the
 * recurrence (each row's `h`, `c`, `dh`, `dc` depend on that row only), so blocks of rows run on
 * different threads with no barrier between the steps: one job per layer call, not one per step (50-100
 * wake-ups per call cost more than they saved). A row's products see the same operands in the same
 * order whatever block it is in (the emitted GEMM sums each element over k in order), so the result has
 * the bits of the one-thread loop whoever takes which block.
 *
 * `runLstmBlocks` is one self-contained function: the calling thread calls it, and the helper threads
 * run its source text (kernel-workers.ts), so both run the same loop. It must not refer to anything
 * outside itself.
 */
import type { GemmCall } from '../codegen/gemm.js';
import type { LstmRows } from '../codegen/lstm-gates.js';

/**
 * Words of an LSTM recurrence task (int32, in wasm memory; its address is the job's first pointer).
 * Pointers are byte addresses; both directions use the layouts of the kit (lstmForwardLayout,
 * lstmBackwardLayout). `taken + s` counts the blocks participant s ran (diagnostics and tests).
 */
export const LSTM_TASK = {
  /** 0: forward, 1: backward. */
  backward: 0,
  steps: 1,
  hidden: 2,
  /** Batch rows per block (the step GEMMs' M). */
  rows: 3,
  /** The trajectory `[B, T, 6H]` (h, c, z per step). */
  trajectory: 4,
  c0: 5,
  /** U `[H, 4H]` forward, Uᵀ `[4H, H]` backward, its rows `stride` floats apart. */
  recurrent: 6,
  /** Forward: the projection `[B·T, 4H]`, h·U `[B, 4H]` (rows `stride` apart), the current h `[B, H]`. */
  proj: 7,
  rec: 8,
  hCur: 9,
  /**
   * Backward: the trajectory's gradient, dZ `[B·T, 4H]`, the step's dz `[B, 4H]`, dh `[B, H]` (rows
   * `stride` apart) and dc `[B, H]`.
   */
  dOut: 10,
  dZ: 11,
  dzt: 12,
  dh: 13,
  dc: 14,
  /** Row length (floats) of the step product's output and of the recurrent matrix: see stepStride. */
  stride: 15,
  taken: 16,
} as const;

/**
 * The row length in floats to give a step product's B (U or Uᵀ) and output of `n` columns. The emitted
 * GEMM streams a K × 8 panel of B, one row of 32 bytes per k; rows a multiple of 256 bytes apart fall on
 * a few L1 sets and evict each other. 8 more floats spread them: [16, 128]·[128, 512] measured 27.3
 * GFLOPS, with rows of 520 floats 43.9 (one thread), for 1.6 % more columns.
 */
export function stepStride(n: number): number {
  return n % 64 === 0 ? n + 8 : n;
}

/** The functions of one LSTM block module (emitted-kernels.ts): the step GEMMs and the SIMD rows. */
export interface LstmBlockExports extends LstmRows {
  /** `[rows, H]·U` → `[rows, 4H]` (no bias). */
  gemm_forward: GemmCall;
  /** `[rows, 4H]·Uᵀ` → `[rows, H]`. */
  gemm_backward: GemmCall;
}

/**
 * Runs blocks [b0, b1) of the task at byte address `task` (LSTM_TASK words) as participant `slot`.
 * Word indices are literals (this text runs where LSTM_TASK is not defined); the test of kernel-workers
 * checks them against LSTM_TASK.
 */
export function runLstmBlocks(
  ex: LstmBlockExports,
  i32: Int32Array,
  task: number,
  slot: number,
  b0: number,
  b1: number,
): void {
  const t = task >>> 2;
  const backward = i32[t] === 1;
  const steps = i32[t + 1];
  const hidden = i32[t + 2];
  const rows = i32[t + 3];
  const traj = i32[t + 4] >>> 0;
  const c0 = i32[t + 5] >>> 0;
  const u = i32[t + 6] >>> 0;
  const hB = hidden * 4;
  const h4B = 16 * hidden;
  const h6B = 24 * hidden;
  const stride = i32[t + 15];
  const sB = stride * 4;
  // The step GEMM's full column tiles of 8 in bytes; the tail columns come with tail = 1.
  const cols = Math.floor(stride / 8) * 32;
  for (let blk = b0; blk < b1; blk++) {
    const r0 = blk * rows;
    const r1 = r0 + rows;
    if (!backward) {
      const proj = i32[t + 7] >>> 0;
      const rec = i32[t + 8] >>> 0;
      const hCur = i32[t + 9] >>> 0;
      for (let s = 0; s < steps; s++) {
        ex.gemm_forward(hCur + r0 * hB, u, rec + r0 * sB, 0, 0, cols, 1);
        for (let b = r0; b < r1; b++) {
          const o = traj + (b * steps + s) * h6B;
          const cPrev = s === 0 ? c0 + b * hB : o - h6B + hB;
          ex.forward(proj + (b * steps + s) * h4B, rec + b * sB, cPrev, o, hCur + b * hB);
        }
      }
    } else {
      const dOut = i32[t + 10] >>> 0;
      const dZ = i32[t + 11] >>> 0;
      const dzt = i32[t + 12] >>> 0;
      const dh = i32[t + 13] >>> 0;
      const dc = i32[t + 14] >>> 0;
      for (let s = steps - 1; s >= 0; s--) {
        for (let b = r0; b < r1; b++) {
          const o = (b * steps + s) * h6B;
          const cPrev = s === 0 ? c0 + b * hB : traj + o - h6B + hB;
          ex.backward(
            traj + o,
            cPrev,
            dOut + o,
            dh + b * sB,
            dc + b * hB,
            dZ + (b * steps + s) * h4B,
            dzt + b * h4B,
          );
        }
        // dh_{s-1} = dz_s · Uᵀ for the block's rows.
        ex.gemm_backward(dzt + r0 * h4B, u, dh + r0 * sB, 0, 0, cols, 1);
      }
    }
    Atomics.add(i32, t + 16 + slot, 1);
  }
}
