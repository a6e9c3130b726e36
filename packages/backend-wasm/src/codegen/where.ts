/**
 * `out = cond ? a : b` over 4-byte elements (float32 or int32) emitted as WebAssembly, for operands that
 * are each the whole output or one element (steps of 0 or 4 bytes for a and b, 0 or 1 for the bool
 * condition): leaky ReLU's slope `where(x > 0, 1, alpha)`, a loss's two branches. The kit's TypeScript
 * loop ran 60-110 µs on 64 × 256 floats over the module's heap (a view of growable memory), this loop
 * about a tenth of that. `select` moves bits: NaN payloads and -0 are kept.
 *
 * `where_32(pcond, condStep, pa, aStep, pb, bStep, pout, n)`, pointers and steps in bytes.
 */
import { type Bytes, type FunctionSpec, I32, op } from './wasm-encoder.js';

const P = { cond: 0, condStep: 1, a: 2, aStep: 3, b: 4, bStep: 5, out: 6, n: 7 };
const L = { end: 8 };

const i32Load8U: Bytes = [0x2d, 0, 0];
const select: Bytes = [0x1b];

export function whereFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const advance = (p: number, by: Bytes) => e(op.localGet(p), by, op.i32Add, op.localSet(p));
  // end = out + 4n; nothing to do when n is 0.
  e(op.localGet(P.out), op.localGet(P.n), op.i32Const(2), op.i32Shl, op.i32Add, op.localSet(L.end));
  e(op.block, op.localGet(P.out), op.localGet(L.end), op.i32GeU, op.brIf(0), op.loop);
  e(op.localGet(P.out));
  e(op.localGet(P.a), op.i32Load(0), op.localGet(P.b), op.i32Load(0));
  e(op.localGet(P.cond), i32Load8U, select, op.i32Store(0));
  advance(P.cond, op.localGet(P.condStep));
  advance(P.a, op.localGet(P.aStep));
  advance(P.b, op.localGet(P.bStep));
  e(op.localGet(P.out), op.i32Const(4), op.i32Add, op.localTee(P.out));
  e(op.localGet(L.end), op.i32LtU, op.brIf(0), op.end, op.end);
  return { name: 'where_32', params: [I32, I32, I32, I32, I32, I32, I32, I32], locals: [[1, I32]], body: b };
}
