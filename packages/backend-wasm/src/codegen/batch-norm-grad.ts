/**
 * Batch-norm training's gradient (core/src/kit/loops/batch-norm-grad.ts) over `[rows, c]` float32 with c a
 * multiple of 4, as two emitted WebAssembly SIMD passes with the kit's rounding exactly: every difference
 * and product is one float32 operation (as the kit's `Math.fround` of the float64 one: the same bits), and
 * each channel's sums are float64, added row by row in order from −0 (so the first row's value is taken
 * exactly, as the kit starts at the first row). The kit's JavaScript loop on the heap's views ran about
 * 3× slower than the composed ops it replaces (each of those an emitted pass of its own).
 *
 * `bn_grad_sums(px, pdy, prows, psum, n, c)`: prows holds the float32 rows mean[c] then rstd[c]; psum holds
 * per block of 4 channels four f64x2 (Σdy of channels 0–1, 2–3, then Σdy·x̂ of 0–1, 2–3), started at −0.
 * `bn_grad_dx(px, pdy, prows, pdx, n, c)`: prows holds mean, rstd, shift = Σdy/n, slope = Σdy·x̂/n and
 * scale = gamma·rstd, c float32 each; dx = ((dy − shift) − x̂·slope)·scale. n elements, a multiple of c.
 */
import { type Bytes, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

const P = { px: 0, pdy: 1, prows: 2, pout: 3, n: 4, c: 5 };
/** i: byte offset in x, dy (and dx); end; j: byte offset in a row; ja: in the sums; rowBytes. */
const L = { i: 6, end: 7, j: 8, ja: 9, rowBytes: 10, dy: 11, v: 12 };

/** The two high float32 lanes moved to the low half (for f64x2.promote_low). */
const highToLow: Bytes = [0xfd, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

function emitter(): { b: Bytes; e: (...xs: Bytes[]) => void } {
  const b: Bytes = [];
  return {
    b,
    e: (...xs: Bytes[]) => {
      for (const x of xs) b.push(...x);
    },
  };
}
const addr = (base: number, off: number) => [...op.localGet(base), ...op.localGet(off), ...op.i32Add];
const bump = (local: number, v: number) => [
  ...op.localGet(local),
  ...op.i32Const(v),
  ...op.i32Add,
  ...op.localSet(local),
];
/** Row `k` of prows at the current channel block: prows + k·rowBytes + j. */
const row = (k: number) => [
  ...addr(P.prows, L.j),
  ...op.localGet(L.rowBytes),
  ...op.i32Const(k),
  ...op.i32Mul,
  ...op.i32Add,
  ...op.v128Load(0),
];
/** x̂ = (x − mean)·rstd of the current four elements. */
const xhat = () => [
  ...addr(P.px, L.i),
  ...op.v128Load(0),
  ...row(0),
  ...op.f32x4Sub,
  ...row(1),
  ...op.f32x4Mul,
];

/** Wraps `body` in the row loop (i over n elements) and the channel loop (j over a row, 4 at a time). */
function loops(e: (...xs: Bytes[]) => void, body: () => void): void {
  e(op.localGet(P.n), op.i32Const(2), op.i32Shl, op.localSet(L.end));
  e(op.localGet(P.c), op.i32Const(2), op.i32Shl, op.localSet(L.rowBytes));
  e(op.i32Const(0), op.localSet(L.i));
  e(op.block, op.localGet(L.i), op.localGet(L.end), op.i32GeU, op.brIf(0), op.loop);
  e(op.i32Const(0), op.localSet(L.j), op.i32Const(0), op.localSet(L.ja));
  e(op.loop);
  body();
  e(bump(L.i, 16), bump(L.ja, 64));
  e(op.localGet(L.j), op.i32Const(16), op.i32Add, op.localTee(L.j), op.localGet(L.rowBytes), op.i32LtU);
  e(op.brIf(0), op.end);
  e(op.localGet(L.i), op.localGet(L.end), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
}

export function batchNormGradSumsFunction(): FunctionSpec {
  const { b, e } = emitter();
  /** sums[ja + off] += promote(value) */
  const acc = (off: number, value: Bytes) => {
    e(addr(P.pout, L.ja), addr(P.pout, L.ja), op.v128Load(off), value, op.f64x2PromoteLowF32x4);
    e(op.f64x2Add, op.v128Store(off));
  };
  loops(e, () => {
    e(addr(P.pdy, L.i), op.v128Load(0), op.localTee(L.dy), xhat(), op.f32x4Mul, op.localSet(L.v));
    acc(0, op.localGet(L.dy));
    acc(16, [...op.localGet(L.dy), ...op.localGet(L.dy), ...highToLow]);
    acc(32, op.localGet(L.v));
    acc(48, [...op.localGet(L.v), ...op.localGet(L.v), ...highToLow]);
  });
  return {
    name: 'bn_grad_sums',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [
      [5, I32],
      [2, V128],
    ],
    body: b,
  };
}

export function batchNormGradDxFunction(): FunctionSpec {
  const { b, e } = emitter();
  loops(e, () => {
    e(addr(P.pout, L.i), addr(P.pdy, L.i), op.v128Load(0), row(2), op.f32x4Sub);
    e(xhat(), row(3), op.f32x4Mul, op.f32x4Sub, row(4), op.f32x4Mul, op.v128Store(0));
  });
  return {
    name: 'bn_grad_dx',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [
      [5, I32],
      [2, V128],
    ],
    body: b,
  };
}
