/**
 * A whole LSTM layer over a sequence, forward and back-propagation through time, as loops a backend runs
 * in one kernel call: per step one small product (`h·U` forward, `dz·Uᵀ` backward) through the
 * backend's own GEMM plus one fused elementwise pass; the input projection, and the weight and input
 * gradients of all steps, are one large product each. Nothing is allocated per step.
 *
 * Layouts (core's lstmSequence contract): x `[B, T, F]`, kernel `[F, 4H]`, recurrentKernel `[H, 4H]`,
 * bias `[4H]`, gate blocks i, f, g, o; the trajectory `[B, T, 6H]` holds per step `h_t`, `c_t` and the
 * gate pre-activations `z_t`.
 * Rounding: as the unfused ops — the projection plus bias is rounded to float32, then `z` is; the gates
 * and the cell's backward are float64 within an element, rounded where the ops would store a tensor
 * (`c'` before `h'` uses it, `dz`, the carried `dc`).
 */
import { gemm } from './gemm.js';

/**
 * `C[m, n] = op(A)·B (+ bias)` on contiguous row-major operands at element offsets: A is `[m, k]`, or
 * stored `[k, m]` when `transA`; B is `[k, n]`; `bias` `[n]` is added to every row, the product rounded
 * to float32 first (as matmul then add). The backend supplies its fastest product.
 */
export type LstmGemm = (
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  transA: boolean,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  bias?: Float32Array,
) => void;

/** The kit's own `gemm` as an LstmGemm (backends without a faster product, and small shapes). */
export const kitLstmGemm: LstmGemm = (m, n, k, a, aOff, transA, b, bOff, c, cOff, bias) => {
  gemm(m, n, k, a, aOff, transA ? 1 : k, transA ? m : 1, b, bOff, n, 1, c, cOff, n, false);
  if (!bias) return;
  for (let r = 0; r < m; r++) {
    const o = cOff + r * n;
    for (let j = 0; j < n; j++) c[o + j] = Math.fround(c[o + j] + bias[j]);
  }
};

export interface LstmDims {
  readonly batch: number;
  readonly steps: number;
  readonly features: number;
  readonly hidden: number;
}

function sigmoid(v: number): number {
  const e = Math.exp(-Math.abs(v));
  return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** Scratch floats `lstmSequenceForward` needs: the projection `[B·T, 4H]`, one `h` and one `h·U`. */
export function lstmForwardScratch({ batch, steps, hidden }: LstmDims): number {
  return batch * steps * 4 * hidden + batch * hidden + batch * 4 * hidden;
}

/**
 * Where the forward keeps its buffers in `scratch` (float offsets): the projection `proj` `[B·T, 4H]`
 * (row `b·T + t`), the current `h` `hCur` `[B, H]` and the step's `h·U` `rec` `[B, 4H]`. Every buffer is
 * indexed by batch row, so a backend may run disjoint batch rows of the time loop on different threads.
 */
export function lstmForwardLayout({ batch, steps, hidden }: LstmDims) {
  const proj = 0;
  const hCur = batch * steps * 4 * hidden;
  return { proj, hCur, rec: hCur + batch * hidden };
}

/**
 * Runs a layer's time loop in place of the kit's (both loops' buffers at the offsets of the layouts
 * above), for backends that split the batch rows — independent in an LSTM — between threads. Each row
 * must be computed as the kit does: the same products and rows, so the same bits.
 */
export type LstmRecurrence = () => void;

/** What a backend may supply to the forward in place of the kit's own loops. */
export interface LstmForwardOptions {
  readonly row?: LstmForwardRow;
  readonly recurrence?: LstmRecurrence;
}

/** What a backend may supply to the backward in place of the kit's own loops. */
export interface LstmBackwardOptions {
  readonly row?: LstmBackwardRow;
  readonly recurrence?: LstmRecurrence;
  /**
   * `out[j]` = the sum over `rows` rows of `src` (from `off`, `cols` floats a row) of column j: one
   * float64 running sum per column, rows in order, rounded to float32 once (the kit's loop, as `sum`).
   */
  readonly sumColumns?: (
    src: Float32Array,
    off: number,
    rows: number,
    cols: number,
    out: Float32Array,
  ) => void;
  /** `rows` runs of `run` floats from `src` to `dst`, offsets and strides in floats. */
  readonly copyRows?: (
    src: Float32Array,
    srcOff: number,
    srcStride: number,
    dst: Float32Array,
    dstOff: number,
    dstStride: number,
    run: number,
    rows: number,
  ) => void;
}

/**
 * The trajectory `out` `[B, T, 6H]` of the LSTM from `h0`, `c0` `[B, H]`. `scratch` holds at least
 * `lstmForwardScratch(dims)` floats; `gemm` must accept views of `scratch`, `x`, `kernel` and
 * `recurrentKernel`.
 */
export function lstmSequenceForward(
  x: Float32Array,
  kernel: Float32Array,
  recurrentKernel: Float32Array,
  bias: Float32Array,
  h0: Float32Array,
  c0: Float32Array,
  dims: LstmDims,
  out: Float32Array,
  scratch: Float32Array,
  gemm: LstmGemm,
  { row = lstmForwardRow(dims.hidden), recurrence }: LstmForwardOptions = {},
): void {
  const { batch, steps, features, hidden } = dims;
  const h4 = 4 * hidden;
  const h6 = 6 * hidden;
  const rows = batch * steps;
  const { proj, hCur, rec } = lstmForwardLayout(dims);
  // The input projection of every step in one product, bias included.
  gemm(rows, h4, features, x, 0, false, kernel, 0, scratch, proj, bias);
  scratch.set(h0.subarray(0, batch * hidden), hCur);
  if (recurrence) {
    recurrence();
    return;
  }
  for (let t = 0; t < steps; t++) {
    gemm(batch, h4, hidden, scratch, hCur, false, recurrentKernel, 0, scratch, rec);
    for (let b = 0; b < batch; b++) {
      const o = (b * steps + t) * h6;
      // c_{t-1}: c0 at the first step, else the previous step's block of the trajectory.
      const cSrc = t === 0 ? c0 : out;
      const cOff = t === 0 ? b * hidden : o - h6 + hidden;
      row(
        scratch,
        proj + (b * steps + t) * h4,
        scratch,
        rec + b * h4,
        cSrc,
        cOff,
        out,
        o,
        scratch,
        hCur + b * hidden,
      );
    }
  }
}

/**
 * The elementwise part of one (batch row, step) of the forward, over `hidden` columns: reads the
 * projection and `h·U` rows (gate blocks i, f, g, o) and `c_{t-1}`; writes `z`, `c_t`, `h_t` into the
 * trajectory row at `oOff` and `h_t` again at `hOff` (the next product's A). A backend may supply its own.
 */
export type LstmForwardRow = (
  proj: Float32Array,
  pOff: number,
  rec: Float32Array,
  rOff: number,
  cPrev: Float32Array,
  cOff: number,
  out: Float32Array,
  oOff: number,
  hCur: Float32Array,
  hOff: number,
) => void;

/** The kit's forward row for `hidden` columns. */
export function lstmForwardRow(hidden: number): LstmForwardRow {
  return (proj, p, rec, q, cSrc, cOff, out, o, hCur, hOut) => {
    for (let j = 0; j < hidden; j++) {
      const zi = Math.fround(proj[p + j] + rec[q + j]);
      const zf = Math.fround(proj[p + hidden + j] + rec[q + hidden + j]);
      const zg = Math.fround(proj[p + 2 * hidden + j] + rec[q + 2 * hidden + j]);
      const zo = Math.fround(proj[p + 3 * hidden + j] + rec[q + 3 * hidden + j]);
      out[o + 2 * hidden + j] = zi;
      out[o + 3 * hidden + j] = zf;
      out[o + 4 * hidden + j] = zg;
      out[o + 5 * hidden + j] = zo;
      const cNext = Math.fround(sigmoid(zf) * cSrc[cOff + j] + sigmoid(zi) * Math.tanh(zg));
      const hNext = Math.fround(sigmoid(zo) * Math.tanh(cNext));
      out[o + hidden + j] = cNext;
      out[o + j] = hNext;
      hCur[hOut + j] = hNext;
    }
  };
}

/** Scratch floats `lstmSequenceBackward` needs. */
export function lstmBackwardScratch(dims: LstmDims): number {
  const { uT } = lstmBackwardLayout(dims);
  return uT + 4 * dims.hidden * dims.hidden;
}

/**
 * Where the backward keeps its buffers in `scratch` (float offsets): dZ `[B·T, 4H]` (row `b·T + t`), one
 * step's dz `dzt` `[B, 4H]`, the recurrent `dh` and carried `dc` `[B, H]`, the h_{t-1} stack `hPrev`
 * `[B·T, H]`, kernelᵀ `kT` `[4H, F]` and Uᵀ `uT` `[4H, H]`. The time loop's buffers are indexed by batch row.
 */
export function lstmBackwardLayout({ batch, steps, features, hidden }: LstmDims) {
  const rows = batch * steps;
  const h4 = 4 * hidden;
  const dZ = 0;
  const dzt = dZ + rows * h4;
  const dh = dzt + batch * h4;
  const dc = dh + batch * hidden;
  const hPrev = dc + batch * hidden;
  const kT = hPrev + rows * hidden;
  return { dZ, dzt, dh, dc, hPrev, kT, uT: kT + h4 * features };
}

export interface LstmGradients {
  /** `[B, T, F]` */
  readonly dx: Float32Array;
  /** `[F, 4H]` */
  readonly dKernel: Float32Array;
  /** `[H, 4H]` */
  readonly dRecurrent: Float32Array;
  /** `[4H]` */
  readonly dBias: Float32Array;
  /** `[B, H]` */
  readonly dh0: Float32Array;
  /** `[B, H]` */
  readonly dc0: Float32Array;
}

/**
 * Back-propagation through time from the trajectory's gradient `dOut` `[B, T, 6H]` (its `h` and `c`
 * blocks; the `z` blocks are internal and ignored) into `grads`. `scratch` holds at least
 * `lstmBackwardScratch(dims)` floats.
 */
export function lstmSequenceBackward(
  dOut: Float32Array,
  x: Float32Array,
  kernel: Float32Array,
  recurrentKernel: Float32Array,
  trajectory: Float32Array,
  h0: Float32Array,
  c0: Float32Array,
  dims: LstmDims,
  grads: LstmGradients,
  scratch: Float32Array,
  gemm: LstmGemm,
  options: LstmBackwardOptions = {},
): void {
  const { row = lstmBackwardRow(dims.hidden), recurrence, sumColumns, copyRows } = options;
  const { batch, steps, features, hidden } = dims;
  const h4 = 4 * hidden;
  const h6 = 6 * hidden;
  const rows = batch * steps;
  const { dZ, dh, dc, hPrev, kT, uT } = lstmBackwardLayout(dims);
  transposeInto(recurrentKernel, hidden, h4, scratch, uT);
  transposeInto(kernel, features, h4, scratch, kT);
  scratch.fill(0, dh, dc + batch * hidden);
  if (recurrence) recurrence();
  else backThroughTime(dims, trajectory, c0, dOut, scratch, gemm, row);
  grads.dh0.set(scratch.subarray(dh, dh + batch * hidden));
  grads.dc0.set(scratch.subarray(dc, dc + batch * hidden));
  // h_{t-1} of every (b, t) row: the trajectory's h blocks shifted by one row (b·T + t - 1), then h0
  // over the first step of each sequence.
  if (copyRows) {
    if (rows > 1) copyRows(trajectory, 0, h6, scratch, hPrev + hidden, hidden, hidden, rows - 1);
  } else {
    for (let r = 1; r < rows; r++) {
      scratch.set(trajectory.subarray((r - 1) * h6, (r - 1) * h6 + hidden), hPrev + r * hidden);
    }
  }
  for (let b = 0; b < batch; b++) {
    scratch.set(h0.subarray(b * hidden, (b + 1) * hidden), hPrev + b * steps * hidden);
  }
  // The weight and input gradients of every step in one product each.
  gemm(hidden, h4, rows, scratch, hPrev, true, scratch, dZ, grads.dRecurrent, 0);
  gemm(features, h4, rows, x, 0, true, scratch, dZ, grads.dKernel, 0);
  gemm(rows, features, h4, scratch, dZ, false, scratch, kT, grads.dx, 0);
  // The bias gradient sums in float64, as `sum` does.
  if (sumColumns && rows > 0) {
    sumColumns(scratch, dZ, rows, h4, grads.dBias);
    return;
  }
  const db = new Float64Array(h4);
  for (let r = 0; r < rows; r++) {
    const o = dZ + r * h4;
    for (let j = 0; j < h4; j++) db[j] += scratch[o + j];
  }
  grads.dBias.set(db);
}

/** The kit's time loop of the backward, over every batch row (buffers at lstmBackwardLayout's offsets). */
function backThroughTime(
  dims: LstmDims,
  trajectory: Float32Array,
  c0: Float32Array,
  dOut: Float32Array,
  scratch: Float32Array,
  gemm: LstmGemm,
  row: LstmBackwardRow,
): void {
  const { batch, steps, hidden } = dims;
  const h4 = 4 * hidden;
  const h6 = 6 * hidden;
  const { dZ, dzt, dh, dc, uT } = lstmBackwardLayout(dims);
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < batch; b++) {
      const o = (b * steps + t) * h6;
      const cSrc = t === 0 ? c0 : trajectory;
      const cOff = t === 0 ? b * hidden : o - h6 + hidden;
      row(
        trajectory,
        o,
        cSrc,
        cOff,
        dOut,
        scratch,
        dh + b * hidden,
        dc + b * hidden,
        dZ + (b * steps + t) * h4,
        dzt + b * h4,
      );
    }
    // dh_{t-1} = dz_t · Uᵀ (at t = 0, the gradient of h0).
    gemm(batch, hidden, h4, scratch, dzt, false, scratch, uT, scratch, dh);
  }
}

/**
 * The cell's backward for one (batch row, step) over `hidden` columns: reads the trajectory row at `o`
 * (`c_t`, `z_t`), `c_{t-1}`, the output gradient row at `o` of `dOut` (`h` and `c` blocks), the recurrent
 * `dh` at `dhOff` and the carried `dc` at `dcOff` of `s`; writes `dz` at `zRowOff` (the stack of all
 * steps) and `zStepOff` (the step's product A) and the new carried `dc` over the old one.
 */
export type LstmBackwardRow = (
  trajectory: Float32Array,
  o: number,
  cPrev: Float32Array,
  cOff: number,
  dOut: Float32Array,
  s: Float32Array,
  dhOff: number,
  dcOff: number,
  zRowOff: number,
  zStepOff: number,
) => void;

/** The kit's backward row for `hidden` columns. */
export function lstmBackwardRow(hidden: number): LstmBackwardRow {
  return (trajectory, o, cPrevSrc, cPrevOff, dOut, scratch, dhb, dcb, zRow, zStep) => {
    for (let j = 0; j < hidden; j++) {
      const i = sigmoid(trajectory[o + 2 * hidden + j]);
      const f = sigmoid(trajectory[o + 3 * hidden + j]);
      const g = Math.tanh(trajectory[o + 4 * hidden + j]);
      const og = sigmoid(trajectory[o + 5 * hidden + j]);
      const tc = Math.tanh(trajectory[o + hidden + j]);
      const dhv = Math.fround(dOut[o + j] + scratch[dhb + j]);
      const dcv = Math.fround(
        Math.fround(dOut[o + hidden + j] + scratch[dcb + j]) + dhv * og * (1 - tc * tc),
      );
      const dzi = Math.fround(dcv * g * (i * (1 - i)));
      const dzf = Math.fround(dcv * cPrevSrc[cPrevOff + j] * (f * (1 - f)));
      const dzg = Math.fround(dcv * i * (1 - g * g));
      const dzo = Math.fround(dhv * tc * (og * (1 - og)));
      scratch[zRow + j] = dzi;
      scratch[zRow + hidden + j] = dzf;
      scratch[zRow + 2 * hidden + j] = dzg;
      scratch[zRow + 3 * hidden + j] = dzo;
      scratch[zStep + j] = dzi;
      scratch[zStep + hidden + j] = dzf;
      scratch[zStep + 2 * hidden + j] = dzg;
      scratch[zStep + 3 * hidden + j] = dzo;
      scratch[dcb + j] = Math.fround(dcv * f);
    }
  };
}

/** `dst[off…]` = the `[cols, rows]` transpose of `src` `[rows, cols]`. */
function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array, off: number): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) dst[off + c * rows + r] = src[r * cols + c];
  }
}
