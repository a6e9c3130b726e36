/**
 * Whether a float32 block holds a NaN, emitted as WebAssembly SIMD: `x != x` four lanes a step, the
 * masks OR-ed together, no branch per element. Kernels whose fast path (XNNPACK's pooling) loses NaN
 * check their input first; the JavaScript scan cost about as much as the pooling itself.
 *
 * `has_nan(px, n, pflag)`: writes 1 or 0 as an int32 at pflag.
 */
import { type Bytes, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

const P = { px: 0, n: 1, pflag: 2 };
const L = { i: 3, end: 4, vend: 5, flag: 6, acc: 7 };

export function nanScanFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const at = [...op.localGet(P.px), ...op.localGet(L.i), ...op.i32Add];
  e(op.localGet(P.n), op.i32Const(2), op.i32Shl, op.localSet(L.end));
  e(op.localGet(L.end), op.i32Const(-16), [0x71], op.localSet(L.vend));
  e(op.v128Zero, op.localSet(L.acc), op.i32Const(0), op.localSet(L.flag), op.i32Const(0), op.localSet(L.i));
  e(op.block, op.localGet(L.i), op.localGet(L.vend), op.i32GeU, op.brIf(0), op.loop);
  e(op.localGet(L.acc), at, op.v128Load(0), at, op.v128Load(0), op.f32x4Ne, op.v128Or, op.localSet(L.acc));
  e(
    op.localGet(L.i),
    op.i32Const(16),
    op.i32Add,
    op.localTee(L.i),
    op.localGet(L.vend),
    op.i32LtU,
    op.brIf(0),
  );
  e(op.end, op.end);
  e(op.block, op.localGet(L.i), op.localGet(L.end), op.i32GeU, op.brIf(0), op.loop);
  e(op.localGet(L.flag), at, op.f32Load(0), at, op.f32Load(0), op.f32Ne, op.i32Or, op.localSet(L.flag));
  e(op.localGet(L.i), op.i32Const(4), op.i32Add, op.localTee(L.i), op.localGet(L.end), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  e(op.localGet(P.pflag), op.localGet(L.flag), op.localGet(L.acc), op.v128AnyTrue, op.i32Or, op.i32Store(0));
  return {
    name: 'has_nan',
    params: [I32, I32, I32],
    locals: [
      [4, I32],
      [1, V128],
    ],
    body: b,
  };
}
