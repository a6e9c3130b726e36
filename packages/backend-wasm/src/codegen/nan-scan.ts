/**
 * Whether a float32 block holds a NaN, emitted as WebAssembly SIMD: `x != x` four lanes a step, the
 * masks OR-ed together, no branch per element. Kernels whose fast path (XNNPACK's pooling) loses NaN
 * check their input first; the JavaScript scan cost about as much as the pooling itself.
 *
 * `has_nan(px, n, pflag)`: writes 1 or 0 as an int32 at pflag.
 */
import { roundDown, simdThenScalarLoop } from './simd-loop.js';
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
  e(roundDown(L.end, 16, L.vend));
  e(op.v128Zero, op.localSet(L.acc), op.i32Const(0), op.localSet(L.flag), op.i32Const(0), op.localSet(L.i));
  e(
    simdThenScalarLoop({
      counter: L.i,
      vectorEnd: L.vend,
      end: L.end,
      vectorBody: [
        op.localGet(L.acc),
        at,
        op.v128Load(0),
        at,
        op.v128Load(0),
        op.f32x4Ne,
        op.v128Or,
        op.localSet(L.acc),
      ].flat(),
      scalarBody: [
        op.localGet(L.flag),
        at,
        op.f32Load(0),
        at,
        op.f32Load(0),
        op.f32Ne,
        op.i32Or,
        op.localSet(L.flag),
      ].flat(),
    }),
  );
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
