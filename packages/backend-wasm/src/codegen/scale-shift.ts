/**
 * Batch-norm's apply pass, `out = x * scale[c] + shift[c]` over `[rows, c]` float32 with per-channel
 * float64 `scale` and `shift` (the kit's folding, core/src/kit/loops/batch-norm.ts), emitted as
 * WebAssembly SIMD with the kit's rounding exactly: x promoted, multiplied and added in float64 (two lanes
 * per f64x2), rounded to float32 once. The kit's JavaScript loop was the largest non-convolution kernel of
 * a DenseNet-40 step.
 *
 * `scale_shift(px, pscale, pshift, pout, n, c)`: n elements (a multiple of c), c ≥ 1.
 */
import { type Bytes, type FunctionSpec, I32, op } from './wasm-encoder.js';

const P = { px: 0, pscale: 1, pshift: 2, pout: 3, n: 4, c: 5 };
/** i: byte offset in x and out; end; j, ja: byte offsets in a row of x and of the float64 rows. */
const L = { i: 6, end: 7, j: 8, ja: 9, rowBytes: 10, end2: 11 };

export function scaleShiftFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const addr = (base: number, off: number) => [...op.localGet(base), ...op.localGet(off), ...op.i32Add];
  const add = (local: number, v: number) => [
    ...op.localGet(local),
    ...op.i32Const(v),
    ...op.i32Add,
    ...op.localSet(local),
  ];
  e(op.localGet(P.n), op.i32Const(2), op.i32Shl, op.localSet(L.end));
  e(op.localGet(P.c), op.i32Const(2), op.i32Shl, op.localSet(L.rowBytes));
  e(op.localGet(L.rowBytes), op.i32Const(-8), [0x71], op.localSet(L.end2));
  e(op.i32Const(0), op.localSet(L.i));
  e(op.block, op.localGet(L.i), op.localGet(L.end), op.i32GeU, op.brIf(0), op.loop);
  e(op.i32Const(0), op.localSet(L.j), op.i32Const(0), op.localSet(L.ja));
  // Two channels a step.
  e(op.block, op.localGet(L.j), op.localGet(L.end2), op.i32GeU, op.brIf(0), op.loop);
  e(addr(P.pout, L.i), addr(P.px, L.i), op.v128Load64Zero(0), op.f64x2PromoteLowF32x4);
  e(addr(P.pscale, L.ja), op.v128Load(0), op.f64x2Mul, addr(P.pshift, L.ja), op.v128Load(0), op.f64x2Add);
  e(op.f32x4DemoteF64x2Zero, op.v128Store64Lane0(0));
  e(add(L.i, 8), add(L.ja, 16));
  e(
    op.localGet(L.j),
    op.i32Const(8),
    op.i32Add,
    op.localTee(L.j),
    op.localGet(L.end2),
    op.i32LtU,
    op.brIf(0),
  );
  e(op.end, op.end);
  // An odd last channel.
  e(op.block, op.localGet(L.j), op.localGet(L.rowBytes), op.i32GeU, op.brIf(0));
  e(addr(P.pout, L.i), addr(P.px, L.i), op.f32Load(0), op.f64PromoteF32);
  e(addr(P.pscale, L.ja), op.f64Load(0), op.f64Mul, addr(P.pshift, L.ja), op.f64Load(0), op.f64Add);
  e(op.f32DemoteF64, op.f32Store(0), add(L.i, 4));
  e(op.end);
  e(op.localGet(L.i), op.localGet(L.end), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  return {
    name: 'scale_shift',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [[6, I32]],
    body: b,
  };
}
