/**
 * A float32 matrix transpose emitted as WebAssembly SIMD: out [C, R] = xᵀ for x [R, C], R and C multiples
 * of 4, in 4 × 4 blocks (four row loads, eight lane shuffles, four column stores). It is the transposed
 * operand of a matmul's gradient (dx = dy · Wᵀ): the kit's TypeScript loop took 0.58 ms for a 784 × 256
 * weight on one thread (polymorphic element access, one float at a time), a GAN step does two of them.
 * Columns are taken 64 at a time, so the 64 output rows being written stay in L1 while the row blocks
 * stream past.
 *
 * `transpose_f32(px, pout, rows, cols)`, pointers in bytes. A copy: bit-exact.
 */
import { type Bytes, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

/** Columns per pass (64 output rows × 64-byte lines = 4 KB of L1). */
const COLUMN_BLOCK = 64;

const P = { x: 0, out: 1, rows: 2, cols: 3 };
const L = {
  jb: 4,
  jEnd: 5,
  srcRow: 6,
  dstCol: 7,
  src: 8,
  dst: 9,
  j: 10,
  i: 11,
  rowB: 12,
  rowB2: 13,
  rowB3: 14,
  outB: 15,
  outB2: 16,
  outB3: 17,
};
const V = { r: 18, t: 22 };

export function transposeFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const scaled = (from: number, by: number, to: number) =>
    e(op.localGet(from), op.i32Const(by), op.i32Mul, op.localSet(to));
  const add = (to: number, by: Bytes) => e(op.localGet(to), by, op.i32Add, op.localSet(to));
  const at = (base: number, offset: number | null): Bytes =>
    offset === null ? op.localGet(base) : [...op.localGet(base), ...op.localGet(offset), ...op.i32Add];

  scaled(P.cols, 4, L.rowB);
  scaled(P.cols, 8, L.rowB2);
  scaled(P.cols, 12, L.rowB3);
  scaled(P.rows, 4, L.outB);
  scaled(P.rows, 8, L.outB2);
  scaled(P.rows, 12, L.outB3);
  e(op.i32Const(0), op.localSet(L.jb), op.loop);
  // jEnd = min(jb + COLUMN_BLOCK, cols)
  e(op.localGet(L.jb), op.i32Const(COLUMN_BLOCK), op.i32Add, op.localSet(L.jEnd));
  e(op.localGet(P.cols), op.localGet(L.jEnd), op.i32LtU, op.if);
  e(op.localGet(P.cols), op.localSet(L.jEnd), op.end);
  e(op.localGet(P.x), op.localGet(L.jb), op.i32Const(4), op.i32Mul, op.i32Add, op.localSet(L.srcRow));
  e(op.localGet(P.out), op.localGet(L.jb), op.localGet(L.outB), op.i32Mul, op.i32Add);
  e(op.localSet(L.dstCol));
  e(op.i32Const(0), op.localSet(L.i), op.loop);
  e(op.localGet(L.srcRow), op.localSet(L.src), op.localGet(L.dstCol), op.localSet(L.dst));
  e(op.localGet(L.jb), op.localSet(L.j), op.loop);
  {
    const rowOffsets = [null, L.rowB, L.rowB2, L.rowB3];
    for (const [r, o] of rowOffsets.entries()) e(at(L.src, o), op.v128Load(0), op.localSet(V.r + r));
    const pair = (x: number, y: number, lanes: number[]) => [
      ...op.localGet(x),
      ...op.localGet(y),
      ...op.f32x4Shuffle(lanes),
    ];
    e(pair(V.r, V.r + 1, [0, 4, 1, 5]), op.localSet(V.t)); // x00 x10 x01 x11
    e(pair(V.r, V.r + 1, [2, 6, 3, 7]), op.localSet(V.t + 1)); // x02 x12 x03 x13
    e(pair(V.r + 2, V.r + 3, [0, 4, 1, 5]), op.localSet(V.t + 2)); // x20 x30 x21 x31
    e(pair(V.r + 2, V.r + 3, [2, 6, 3, 7]), op.localSet(V.t + 3)); // x22 x32 x23 x33
    const columns: [number, number, number[], number | null][] = [
      [V.t, V.t + 2, [0, 1, 4, 5], null],
      [V.t, V.t + 2, [2, 3, 6, 7], L.outB],
      [V.t + 1, V.t + 3, [0, 1, 4, 5], L.outB2],
      [V.t + 1, V.t + 3, [2, 3, 6, 7], L.outB3],
    ];
    for (const [x, y, lanes, o] of columns) e(at(L.dst, o), pair(x, y, lanes), op.v128Store(0));
    add(L.src, op.i32Const(16));
    add(L.dst, [...op.localGet(L.outB), ...op.i32Const(4), ...op.i32Mul]);
    e(op.localGet(L.j), op.i32Const(4), op.i32Add, op.localTee(L.j));
    e(op.localGet(L.jEnd), op.i32LtU, op.brIf(0));
  }
  e(op.end);
  add(L.srcRow, [...op.localGet(L.rowB), ...op.i32Const(4), ...op.i32Mul]);
  add(L.dstCol, op.i32Const(16));
  e(op.localGet(L.i), op.i32Const(4), op.i32Add, op.localTee(L.i));
  e(op.localGet(P.rows), op.i32LtU, op.brIf(0));
  e(op.end);
  e(op.localGet(L.jb), op.i32Const(COLUMN_BLOCK), op.i32Add, op.localTee(L.jb));
  e(op.localGet(P.cols), op.i32LtU, op.brIf(0));
  e(op.end);
  return {
    name: 'transpose_f32',
    params: [I32, I32, I32, I32],
    locals: [
      [L.outB3 - L.jb + 1, I32],
      [8, V128],
    ],
    body: b,
  };
}
