/**
 * The sum over the middle axis of `[red, inner]` float32 (a bias gradient, a batch-norm mean: every axis
 * but the channels), emitted as WebAssembly SIMD. It keeps the kit's rounding exactly: one float64
 * running sum per column, started at the first row and added row by row in order, rounded to float32
 * once; the float64 sums sit in a scratch row, two lanes per f64x2. The kit's JavaScript loop over
 * the same layout ran at about 10 ns per element inside a training step (its typed arrays are of every
 * dtype, so V8 cannot specialise it).
 *
 * `sum_columns(px, pacc, pout, red, inner)`: x at px (red rows of inner floats), pacc scratch for inner
 * float64, out at pout (inner floats); red ≥ 1.
 */
import { advance, countedLoop, roundDown, simdThenScalarLoop } from './simd-loop.js';
import { type Bytes, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

const P = { px: 0, pacc: 1, pout: 2, red: 3, inner: 4 };
/** j: byte offset in a row of x; ja: in the scratch row; rowBytes; end4: rowBytes rounded down to 16. */
const L = { j: 5, ja: 6, rowBytes: 7, end4: 8, r: 9 };
/**
 * The tiled path's locals: cb, a block's byte offset in a row; p, its address in the current row; end8;
 * r1, the tile's end row; rr, the row; then the f64x2 sums.
 */
const T = { cb: 10, p: 11, end8: 12, r1: 13, rr: 14, acc: 15 };

/**
 * When the column count is a multiple of 4 (every batch norm of ResNet-20 and DenseNet-40), the rows are
 * taken TILE_ROWS at a time, and within a tile blocks of 8 columns (then one of 4) are carried down its
 * rows in BLOCK_SUMS f64x2 registers, loaded from and stored to the scratch row once per tile instead of
 * once per row (a dependent store-to-load per row). Each column's sum still starts at the first row and
 * adds the rows in order, so the bits are the same. Measured against the per-row path (one thread, min
 * of 31): 1.7× on [32·32·32, 16], 1.4× on [32·16·16, 32] and [32·8·8, 64], 1.3× on DenseNet-40's
 * [16·8·8, 436]. A tile of 32 rows (at most 56 KiB) stays in L1/L2 while its blocks pass over it.
 */
const TILE_ROWS = 32;
const BLOCK_SUMS = 4;
/**
 * Inputs up to this size take the tiled path. Larger ones stream from memory, where the row-by-row
 * sweep keeps the hardware prefetcher on one sequential stream: [16·32·32, 148] (9.7 MB) ran 0.5-0.7× as
 * fast tiled, [16·32·32, 76] (5 MB) 1.7×, [16·16·16, 220] (3.6 MB) 1.3× (medians were noisier than mins).
 */
const TILED_BYTES = 4 << 20;

export function columnSumFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const addr = (base: number, off: number) => [...op.localGet(base), ...op.localGet(off), ...op.i32Add];
  const resetBytes = [...op.i32Const(0), ...op.localSet(L.j), ...op.i32Const(0), ...op.localSet(L.ja)];
  const reset = () => e(resetBytes);
  /** `body` for xBytes of x at j, then ja steps over the float64 sums of those columns. */
  const columns = (xBytes: number, body: Bytes) => [...body, ...advance(L.ja, xBytes * 2)];
  /** The row four bytes of x at a time. */
  const scalarRow = (body: Bytes) =>
    countedLoop({ counter: L.j, limit: L.rowBytes, step: 4, body: columns(4, body) });

  e(op.localGet(P.inner), op.i32Const(2), op.i32Shl, op.localSet(L.rowBytes));
  e(roundDown(L.rowBytes, 16, L.end4));
  // The first row starts the sums.
  reset();
  e(scalarRow([addr(P.pacc, L.ja), addr(P.px, L.j), op.f32Load(0), op.f64PromoteF32, op.f64Store(0)].flat()));
  e(op.localGet(P.px), op.localGet(L.rowBytes), op.i32Add, op.localSet(P.px));
  e(op.i32Const(1), op.localSet(L.r));
  // inner % 4 == 0 and red · rowBytes ≤ TILED_BYTES (unsigned; a wrapped product only picks a path)
  e(op.localGet(P.inner), op.i32Const(3), [0x71], [0x45]);
  e(op.localGet(P.red), op.localGet(L.rowBytes), op.i32Mul, op.i32Const(TILED_BYTES), [0x4d], [0x71], op.if);
  tiles(e);
  e([0x05]); // else: the per-row path
  // Four columns a vector step: two f64x2 sums, each fed two floats promoted exactly.
  const sums4 = [0, 1].flatMap((half) =>
    [
      [...addr(P.pacc, L.ja), ...addr(P.pacc, L.ja), ...op.v128Load(16 * half)],
      [...addr(P.px, L.j), ...op.v128Load64Zero(8 * half), ...op.f64x2PromoteLowF32x4, ...op.f64x2Add],
      op.v128Store(16 * half),
    ].flat(),
  );
  const sum1 = [
    [...addr(P.pacc, L.ja), ...addr(P.pacc, L.ja), ...op.f64Load(0)],
    [...addr(P.px, L.j), ...op.f32Load(0), ...op.f64PromoteF32, ...op.f64Add, ...op.f64Store(0)],
  ].flat();
  const row = simdThenScalarLoop({
    counter: L.j,
    vectorEnd: L.end4,
    end: L.rowBytes,
    vectorBody: columns(16, sums4),
    scalarBody: columns(4, sum1),
  });
  const nextRow = [...op.localGet(P.px), ...op.localGet(L.rowBytes), ...op.i32Add, ...op.localSet(P.px)];
  e(countedLoop({ counter: L.r, limit: P.red, step: 1, body: [...resetBytes, ...row, ...nextRow] }));
  e(op.end);
  // Round once.
  reset();
  e(
    scalarRow([addr(P.pout, L.j), addr(P.pacc, L.ja), op.f64Load(0), op.f32DemoteF64, op.f32Store(0)].flat()),
  );
  return {
    name: 'sum_columns',
    params: [I32, I32, I32, I32, I32],
    locals: [
      [10, I32],
      [BLOCK_SUMS, V128],
    ],
    body: b,
  };
}

/** Rows [r, red) a tile at a time (see TILE_ROWS), the sums in the scratch row between tiles; px at row r. */
function tiles(e: (...xs: Bytes[]) => void): void {
  const acc = (i: number) => T.acc + i;
  /** Block of `sums` f64x2 sums at byte offset cb: rows [r, r1) added to the scratch row's sums. */
  const block = (sums: number): Bytes => {
    const out: Bytes[] = [];
    const e = (...xs: Bytes[]) => out.push(...xs);
    const scratch = () => [
      ...op.localGet(P.pacc),
      ...op.localGet(T.cb),
      ...op.localGet(T.cb),
      ...op.i32Add,
      ...op.i32Add,
    ];
    for (let i = 0; i < sums; i++) e(scratch(), op.v128Load(16 * i), op.localSet(acc(i)));
    e(op.localGet(P.px), op.localGet(T.cb), op.i32Add, op.localSet(T.p));
    e(op.localGet(L.r), op.localSet(T.rr));
    e(op.loop);
    for (let i = 0; i < sums; i++) {
      e(
        op.localGet(acc(i)),
        op.localGet(T.p),
        op.v128Load64Zero(8 * i),
        op.f64x2PromoteLowF32x4,
        op.f64x2Add,
      );
      e(op.localSet(acc(i)));
    }
    e(op.localGet(T.p), op.localGet(L.rowBytes), op.i32Add, op.localSet(T.p));
    e(
      op.localGet(T.rr),
      op.i32Const(1),
      op.i32Add,
      op.localTee(T.rr),
      op.localGet(T.r1),
      op.i32LtU,
      op.brIf(0),
    );
    e(op.end);
    for (let i = 0; i < sums; i++) e(scratch(), op.localGet(acc(i)), op.v128Store(16 * i));
    return out.flat();
  };
  e(roundDown(L.rowBytes, 8 * BLOCK_SUMS, T.end8));
  e(op.block, op.localGet(L.r), op.localGet(P.red), op.i32GeU, op.brIf(0), op.loop);
  // r1 = min(r + TILE_ROWS, red)
  e(op.localGet(L.r), op.i32Const(TILE_ROWS), op.i32Add, op.localTee(T.r1), op.localGet(P.red));
  e(op.localGet(T.r1), op.localGet(P.red), op.i32LtU, [0x1b], op.localSet(T.r1)); // select
  e(op.i32Const(0), op.localSet(T.cb));
  e(countedLoop({ counter: T.cb, limit: T.end8, step: 8 * BLOCK_SUMS, body: block(BLOCK_SUMS) }));
  // The last 4 columns when the count is 4 mod 8.
  e(op.localGet(T.cb), op.localGet(L.rowBytes), op.i32LtU, op.if);
  e(block(2));
  e(op.end);
  // px += (r1 - r) * rowBytes; r = r1
  e(op.localGet(P.px), op.localGet(T.r1), op.localGet(L.r), op.i32Sub, op.localGet(L.rowBytes), op.i32Mul);
  e(
    op.i32Add,
    op.localSet(P.px),
    op.localGet(T.r1),
    op.localTee(L.r),
    op.localGet(P.red),
    op.i32LtU,
    op.brIf(0),
  );
  e(op.end, op.end);
}
