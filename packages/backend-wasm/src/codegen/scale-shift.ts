/**
 * Batch-norm's apply pass, `out = x * scale[c] + shift[c]` over `[rows, c]` float32 with per-channel
 * float64 `scale` and `shift` (the kit's folding, core/src/kit/loops/batch-norm.ts), emitted as
 * WebAssembly SIMD with the kit's rounding exactly: x promoted, multiplied and added in float64 (two lanes
 * per f64x2), rounded to float32 once. The kit's JavaScript loop was the largest non-convolution kernel of
 * a DenseNet-40 step.
 *
 * `scale_shift(px, pscale, pshift, pout, n, c)`: n elements (a multiple of c), c ≥ 1.
 */
import { advance, countedLoop, roundDown, simdThenScalarLoop } from './simd-loop.js';
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
  e(op.localGet(P.n), op.i32Const(2), op.i32Shl, op.localSet(L.end));
  e(op.localGet(P.c), op.i32Const(2), op.i32Shl, op.localSet(L.rowBytes));
  e(roundDown(L.rowBytes, 8, L.end2));
  e(op.i32Const(0), op.localSet(L.i));
  // Two channels a step, then an odd last one; i and ja move along with j.
  const row = simdThenScalarLoop({
    counter: L.j,
    vectorEnd: L.end2,
    end: L.rowBytes,
    vectorStep: 8,
    vectorBody: [
      [...addr(P.pout, L.i), ...addr(P.px, L.i), ...op.v128Load64Zero(0), ...op.f64x2PromoteLowF32x4],
      [
        ...addr(P.pscale, L.ja),
        ...op.v128Load(0),
        ...op.f64x2Mul,
        ...addr(P.pshift, L.ja),
        ...op.v128Load(0),
      ],
      [
        ...op.f64x2Add,
        ...op.f32x4DemoteF64x2Zero,
        ...op.v128Store64Lane0(0),
        ...advance(L.i, 8),
        ...advance(L.ja, 16),
      ],
    ].flat(),
    scalarBody: [
      [...addr(P.pout, L.i), ...addr(P.px, L.i), ...op.f32Load(0), ...op.f64PromoteF32],
      [...addr(P.pscale, L.ja), ...op.f64Load(0), ...op.f64Mul, ...addr(P.pshift, L.ja), ...op.f64Load(0)],
      [...op.f64Add, ...op.f32DemoteF64, ...op.f32Store(0), ...advance(L.i, 4)],
    ].flat(),
  });
  const rowStart = [...op.i32Const(0), ...op.localSet(L.j), ...op.i32Const(0), ...op.localSet(L.ja)];
  e(countedLoop({ counter: L.i, limit: L.end, body: [...rowStart, ...row] }));
  return {
    name: 'scale_shift',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [[6, I32]],
    body: b,
  };
}
