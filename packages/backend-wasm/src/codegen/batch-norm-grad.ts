/**
 * Batch-norm training's gradient (core/src/kit/loops/batch-norm-grad.ts) over `[rows, c]` float32, any c,
 * as two emitted WebAssembly passes with the kit's rounding exactly: every difference and product is one
 * float32 operation (as the kit's `Math.fround` of the float64 one: the same bits), and each channel's sums
 * are float64, added row by row in order from −0 (so the first row's value is taken exactly, as the kit
 * starts at the first row). Each row runs SIMD over its first ⌊c/4⌋·4 channels, then the same operations
 * one channel at a time over the last c mod 4. The kit's JavaScript loop on the heap's views ran about
 * 3× slower than the composed ops it replaces (each of those an emitted pass of its own).
 *
 * Both are shaped kernels for one `[rows, c]` and a number of rows per unit
 * (`gemm(px, pdy, prows, pout, u0, u1, 0)`, a GEMM's signature, so the helper threads run them: units
 * [u0, u1) in column-tile bytes, see EmittedKernels.shareShaped): unit u is rows [u·R, u·R + R). Units
 * of the dx pass write disjoint rows; the sums pass's units are the kit's fixed blocks of
 * BATCH_NORM_GRAD_SUM_ROWS rows, each summed into its own partial sums that the caller adds in block
 * order, so either gives the kit's bits whoever takes which units.
 *
 * `bn_grad_sums` (key batchNormGradSumsKey): prows holds the float32 rows mean[c] then rstd[c]; pout holds
 * per block of 4 channels (⌈c/4⌉ blocks, the last one partly used when c mod 4 ≠ 0) eight float64: Σdy of
 * channels 0–3, then Σdy·x̂ of 0–3, started at −0, for each unit in turn (unit u's at pout + u·sumBytes).
 * `bn_grad_dx` (key batchNormGradDxKey): prows holds mean, rstd, shift = Σdy/n, slope = Σdy·x̂/n and
 * scale = gamma·rstd, c float32 each; dx = ((dy − shift) − x̂·slope)·scale, written at pout.
 */
import { GEMM_COLS } from './gemm.js';
import { advance, countedLoop } from './simd-loop.js';
import { type Bytes, F32, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

/** The shape a pass is emitted for: `rows` rows of `c` channels, `unitRows` rows per unit. */
export interface BatchNormGradShape {
  readonly rows: number;
  readonly c: number;
  readonly unitRows: number;
}

/** Rows per unit of the dx pass: a few per helper share on DenseNet's smallest maps (16·8·8 rows). */
export const BN_GRAD_DX_UNIT_ROWS = 128;

/** Bytes of one unit's partial sums in the sums pass: 8 float64 per block of 4 channels. */
export const batchNormGradSumBytes = (c: number) => 64 * Math.ceil(c / 4);

export const batchNormGradSumsKey = ({ rows, c, unitRows }: BatchNormGradShape) =>
  `bn-grad-sums:${rows},${c},${unitRows}`;
export const batchNormGradDxKey = ({ rows, c, unitRows }: BatchNormGradShape) =>
  `bn-grad-dx:${rows},${c},${unitRows}`;

const P = { px: 0, pdy: 1, prows: 2, pout: 3, u0: 4, u1: 5 };
/**
 * u, uEnd: the current unit and the end of the call's; i: byte offset of the current element in x, dy
 * (and dx); end: of the unit's end; j: byte offset in a row; ja: in the sums; dy, v: the current four
 * elements; dyS, vS: the current one (the tail).
 */
const L = {
  u: 7,
  uEnd: 8,
  i: 9,
  end: 10,
  j: 11,
  ja: 12,
  dy: 13,
  v: 14,
  dyS: 15,
  vS: 16,
  rowBytes: 17,
  vecBytes: 18,
};
const LOCALS: FunctionSpec['locals'] = [
  [6, I32],
  [2, V128],
  [2, F32],
  [2, I32],
];
const i32ShrU: Bytes = [0x76];

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
/** `to = a < b ? a : b` (unsigned). */
const minU = (a: Bytes, b: Bytes, to: number) => [
  ...a,
  ...b,
  ...a,
  ...b,
  ...op.i32LtU,
  ...op.select,
  ...op.localSet(to),
];

/** The pieces of a pass over one shape: row `k` of prows at the current channel, and x̂ there. */
function rowsOf(c: number) {
  const rowAddr = (k: number) => [...addr(P.prows, L.j), ...op.i32Const(4 * c * k), ...op.i32Add];
  /** Four channels of row `k`. */
  const row = (k: number) => [...rowAddr(k), ...op.v128Load(0)];
  /** One channel of row `k`. */
  const rowS = (k: number) => [...rowAddr(k), ...op.f32Load(0)];
  return {
    row,
    rowS,
    /** x̂ = (x − mean)·rstd of the current four elements. */
    xhat: () => [...addr(P.px, L.i), ...op.v128Load(0), ...row(0), ...op.f32x4Sub, ...row(1), ...op.f32x4Mul],
    /** x̂ of the current element. */
    xhatS: () => [...addr(P.px, L.i), ...op.f32Load(0), ...rowS(0), ...op.f32Sub, ...rowS(1), ...op.f32Mul],
  };
}

/**
 * Wraps the unit loop (u over [u0, u1) in units) and each unit's row loop around two channel loops:
 * `vec` over the row's first ⌊c/4⌋·4 channels, 4 at a time (i, j += 16 bytes, ja += one block of sums),
 * then `tail` over the rest, one at a time (i, j += 4, ja += one float64 within the last block). Either
 * may run zero times. ja starts each row at the unit's partial sums.
 */
function loops({ rows, c, unitRows }: BatchNormGradShape, vec: Bytes, tail: Bytes): Bytes {
  const { b, e } = emitter();
  const rowBytes = 4 * c;
  const unitIndex = (p: number) => [...op.localGet(p), ...op.i32Const(Math.log2(GEMM_COLS * 4)), ...i32ShrU];
  e(unitIndex(P.u0), op.localSet(L.u), unitIndex(P.u1), op.localSet(L.uEnd));
  e(op.i32Const(rowBytes), op.localSet(L.rowBytes), op.i32Const(rowBytes & -16), op.localSet(L.vecBytes));
  const unit: Bytes[] = [
    [...op.localGet(L.u), ...op.i32Const(unitRows * rowBytes), ...op.i32Mul, ...op.localSet(L.i)],
    // end = min(u·R + R, rows)·rowBytes
    minU(
      [...op.localGet(L.u), ...op.i32Const(unitRows), ...op.i32Mul, ...op.i32Const(unitRows), ...op.i32Add],
      op.i32Const(rows),
      L.end,
    ),
    [...op.localGet(L.end), ...op.i32Const(rowBytes), ...op.i32Mul, ...op.localSet(L.end)],
    // Every unit has a row: a do-while over them.
    op.loop,
    [...op.i32Const(0), ...op.localSet(L.j)],
    [...op.localGet(L.u), ...op.i32Const(batchNormGradSumBytes(c)), ...op.i32Mul, ...op.localSet(L.ja)],
    countedLoop({
      counter: L.j,
      limit: L.vecBytes,
      step: 16,
      body: [...vec, ...advance(L.i, 16), ...advance(L.ja, 64)],
    }),
    countedLoop({
      counter: L.j,
      limit: L.rowBytes,
      step: 4,
      body: [...tail, ...advance(L.i, 4), ...advance(L.ja, 8)],
    }),
    [...op.localGet(L.i), ...op.localGet(L.end), ...op.i32LtU, ...op.brIf(0), ...op.end],
  ];
  e(countedLoop({ counter: L.u, limit: L.uEnd, step: 1, body: unit.flat() }));
  return b;
}

function shapedFunction(body: Bytes): FunctionSpec {
  return { name: 'gemm', params: [I32, I32, I32, I32, I32, I32, I32], locals: LOCALS, body };
}

export function batchNormGradSumsFunction(shape: BatchNormGradShape): FunctionSpec {
  const { xhat, xhatS } = rowsOf(shape.c);
  const vec: Bytes = [];
  const tail: Bytes = [];
  /** sums[ja + off] += promote(value), two channels */
  const acc = (off: number, value: Bytes) =>
    vec.push(
      ...addr(P.pout, L.ja),
      ...addr(P.pout, L.ja),
      ...op.v128Load(off),
      ...value,
      ...op.f64x2PromoteLowF32x4,
      ...op.f64x2Add,
      ...op.v128Store(off),
    );
  /** sums[ja + off] += promote(value), one channel */
  const accS = (off: number, value: Bytes) =>
    tail.push(
      ...addr(P.pout, L.ja),
      ...addr(P.pout, L.ja),
      ...op.f64Load(off),
      ...value,
      ...op.f64PromoteF32,
      ...op.f64Add,
      ...op.f64Store(off),
    );
  vec.push(
    ...addr(P.pdy, L.i),
    ...op.v128Load(0),
    ...op.localTee(L.dy),
    ...xhat(),
    ...op.f32x4Mul,
    ...op.localSet(L.v),
  );
  acc(0, op.localGet(L.dy));
  acc(16, [...op.localGet(L.dy), ...op.localGet(L.dy), ...highToLow]);
  acc(32, op.localGet(L.v));
  acc(48, [...op.localGet(L.v), ...op.localGet(L.v), ...highToLow]);
  tail.push(
    ...addr(P.pdy, L.i),
    ...op.f32Load(0),
    ...op.localTee(L.dyS),
    ...xhatS(),
    ...op.f32Mul,
    ...op.localSet(L.vS),
  );
  accS(0, op.localGet(L.dyS));
  accS(32, op.localGet(L.vS));
  return shapedFunction(loops(shape, vec, tail));
}

export function batchNormGradDxFunction(shape: BatchNormGradShape): FunctionSpec {
  const { row, rowS, xhat, xhatS } = rowsOf(shape.c);
  const vec = [
    ...addr(P.pout, L.i),
    ...addr(P.pdy, L.i),
    ...op.v128Load(0),
    ...row(2),
    ...op.f32x4Sub,
    ...xhat(),
    ...row(3),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...row(4),
    ...op.f32x4Mul,
    ...op.v128Store(0),
  ];
  const tail = [
    ...addr(P.pout, L.i),
    ...addr(P.pdy, L.i),
    ...op.f32Load(0),
    ...rowS(2),
    ...op.f32Sub,
    ...xhatS(),
    ...rowS(3),
    ...op.f32Mul,
    ...op.f32Sub,
    ...rowS(4),
    ...op.f32Mul,
    ...op.f32Store(0),
  ];
  return shapedFunction(loops(shape, vec, tail));
}
