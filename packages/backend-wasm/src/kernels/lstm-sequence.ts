/**
 * A whole LSTM layer, forward and back-propagation through time, each in one kernel call: the kit's
 * loops (core/kit/loops/lstm-sequence.ts) over the heap, with every product on the emitted SIMD GEMM
 * (split between the helper threads when large). Per step that is one small product and one
 * elementwise pass, with no dispatch, no allocation and no slicing between them.
 */
import * as kit from '@dendrite/core/kit';
import { GEMM_COLS } from '../codegen/gemm.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

/**
 * Multiply-adds from which a product is shared with the helper threads. The per-step products (W6:
 * 32×128×512, 2.1M) stay on the calling thread: 50 wake-ups per direction cost more than they save (a
 * same-process A/B on 2 shared cores: 1.14-1.55× faster unshared); the all-steps products (26M-105M) split.
 */
const SPLIT_STEP = 8_000_000;

/** The emitted GEMM on heap views (their byte offsets are heap addresses); the kit's for what it cannot take. */
function heapGemm(k: KernelScope): kit.LstmGemm {
  const emitted = k.instance.emitted;
  return (m, n, kk, a, aOff, transA, b, bOff, c, cOff, bias) => {
    if (!emitted || n < GEMM_COLS || m === 0 || kk === 0) {
      kit.kitLstmGemm(m, n, kk, a, aOff, transA, b, bOff, c, cOff, bias);
      return;
    }
    // The emitted GEMM adds the bias to the float32 accumulator: the same rounding as matmul then add.
    const shape = { m, k: kk, n, transA, bias: bias !== undefined, activation: 'linear' as const };
    const pc = c.byteOffset + cOff * 4;
    const pbias = bias ? bias.byteOffset : 0;
    emitted.gemm(
      shape,
      a.byteOffset + aOff * 4,
      b.byteOffset + bOff * 4,
      pc,
      pbias,
      m * kk * n >= SPLIT_STEP,
    );
  };
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
  kit.lstmSequenceForward(
    x,
    kernel,
    recurrent,
    bias,
    h0,
    c0,
    dims,
    k.f32(out),
    k.f32(scratch),
    heapGemm(k),
    row,
  );
}

/** `outs`: dx, dKernel, dRecurrent, dBias, dh0, dc0. */
export function lstmSequenceGradKernel(
  k: KernelScope,
  inputs: readonly WasmData[],
  dims: kit.LstmDims,
  outs: readonly WasmData[],
): void {
  const scratch = k.temp('float32', kit.lstmBackwardScratch(dims));
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
    heapGemm(k),
    backwardRow(k, dims.hidden),
  );
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
