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
import { type Bytes, type FunctionSpec, I32, op } from './wasm-encoder.js';

const P = { px: 0, pacc: 1, pout: 2, red: 3, inner: 4 };
/** j: byte offset in a row of x; ja: in the scratch row; rowBytes; end4: rowBytes rounded down to 16. */
const L = { j: 5, ja: 6, rowBytes: 7, end4: 8, r: 9 };

export function columnSumFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const addr = (base: number, off: number) => [...op.localGet(base), ...op.localGet(off), ...op.i32Add];
  const reset = () => e(op.i32Const(0), op.localSet(L.j), op.i32Const(0), op.localSet(L.ja));
  const step = (xBytes: number, accBytes: number) =>
    e(
      op.localGet(L.ja),
      op.i32Const(accBytes),
      op.i32Add,
      op.localSet(L.ja),
      op.localGet(L.j),
      op.i32Const(xBytes),
      op.i32Add,
      op.localTee(L.j),
    );
  /** A loop over the row while j < limit (checked first), running `body` then stepping. */
  const loop = (limit: number, xBytes: number, body: () => void) => {
    e(op.block, op.localGet(L.j), op.localGet(limit), op.i32GeU, op.brIf(0), op.loop);
    body();
    step(xBytes, xBytes * 2);
    e(op.localGet(limit), op.i32LtU, op.brIf(0), op.end, op.end);
  };

  e(op.localGet(P.inner), op.i32Const(2), op.i32Shl, op.localSet(L.rowBytes));
  e(op.localGet(L.rowBytes), op.i32Const(-16), [0x71], op.localSet(L.end4));
  // The first row starts the sums.
  reset();
  loop(L.rowBytes, 4, () =>
    e(addr(P.pacc, L.ja), addr(P.px, L.j), op.f32Load(0), op.f64PromoteF32, op.f64Store(0)),
  );
  e(op.localGet(P.px), op.localGet(L.rowBytes), op.i32Add, op.localSet(P.px));
  e(op.i32Const(1), op.localSet(L.r));
  e(op.block, op.localGet(L.r), op.localGet(P.red), op.i32GeU, op.brIf(0), op.loop);
  reset();
  // Four columns a step: two f64x2 sums, each fed two floats promoted exactly.
  loop(L.end4, 16, () => {
    for (const half of [0, 1]) {
      e(addr(P.pacc, L.ja), addr(P.pacc, L.ja), op.v128Load(16 * half));
      e(addr(P.px, L.j), op.v128Load64Zero(8 * half), op.f64x2PromoteLowF32x4, op.f64x2Add);
      e(op.v128Store(16 * half));
    }
  });
  loop(L.rowBytes, 4, () =>
    e(
      addr(P.pacc, L.ja),
      addr(P.pacc, L.ja),
      op.f64Load(0),
      addr(P.px, L.j),
      op.f32Load(0),
      op.f64PromoteF32,
      op.f64Add,
      op.f64Store(0),
    ),
  );
  e(op.localGet(P.px), op.localGet(L.rowBytes), op.i32Add, op.localSet(P.px));
  e(op.localGet(L.r), op.i32Const(1), op.i32Add, op.localTee(L.r), op.localGet(P.red), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  // Round once.
  reset();
  loop(L.rowBytes, 4, () =>
    e(addr(P.pout, L.j), addr(P.pacc, L.ja), op.f64Load(0), op.f32DemoteF64, op.f32Store(0)),
  );
  return {
    name: 'sum_columns',
    params: [I32, I32, I32, I32, I32],
    locals: [[5, I32]],
    body: b,
  };
}
