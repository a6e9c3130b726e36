/**
 * The casts the kit runs as element-by-element TypeScript loops over the heap (float32 or int32 → bool,
 * float32 → int32), emitted as WebAssembly SIMD, sixteen elements a step: 3-6× faster on 1 M elements
 * (float32 → bool 1.6 → 0.3 ms). The others are a typed array's `set` in the kit, as fast as a pass.
 * Lane by lane the same values as `kit.cast`: bool is `x != 0` (NaN is true) as 0/1 bytes; float32 →
 * int32 truncates toward zero with saturation, which is the kit's Math.trunc-then-Int32Array store
 * (NaN → 0) wherever |x| < 2³¹; the pass raises a flag where some |x| ≥ 2³¹ (the kit wraps those
 * modulo 2³², as a store does), and the caller then runs the kit's loop instead.
 *
 * `gemm(psrc, pdst, pflag, n, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units
 * [u0, u1) in column-tile bytes, see EmittedKernels.shareShaped): unit u is elements
 * [u·CAST_BLOCK, (u + 1)·CAST_BLOCK) of the first n (a multiple of 16); units write disjoint outputs
 * and only ever store 1 to the flag, so the result does not depend on who ran which.
 */
import type { DType } from '@dendrite/core';
import { GEMM_COLS } from './gemm.js';
import { advance, countedLoop } from './simd-loop.js';
import { type Bytes, type FunctionSpec, I32, op, uleb, V128 } from './wasm-encoder.js';

/** The emitted casts: to bool from either number type, and float32 → int32. */
export type EmittedCast = readonly ['float32' | 'int32', 'bool'] | readonly ['float32', 'int32'];

export function isEmittedCast(from: DType, to: DType): boolean {
  return (
    (to === 'bool' && (from === 'float32' || from === 'int32')) || (from === 'float32' && to === 'int32')
  );
}

/** Elements the pass converts per step: one 16-byte store of bools. */
export const CAST_STEP = 16;
/** Elements per unit the helper threads share (64 KiB of float32: a thread's share is worth waking it). */
export const CAST_BLOCK = 16384;

export function castKey([from, to]: EmittedCast): string {
  return `cast:${from}>${to}`;
}

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];
const i32x4Ne = simd(0x38);
const i32DivU = [0x6e];
const i32Mul = [0x6c];
const i32GtU = [0x4b];
const i32Select = [0x1b];

const P = { psrc: 0, pdst: 1, pflag: 2, n: 3, u0: 4, u1: 5 };
const L = { i: 7, end: 8, ps: 9, pd: 10 };
const V = { acc: 11, a: 12 };

const BYTES = { float32: 4, int32: 4, bool: 1 } as const;

export function castFunction([from, to]: EmittedCast): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const src = (offset: number) => [...op.localGet(L.ps), ...op.v128Load(offset)];
  const dst = op.localGet(L.pd);

  /** Sixteen elements at ps → pd. */
  const step = (): Bytes => {
    const s: Bytes[] = [];
    if (to === 'bool') {
      // Four masks of x != 0, narrowed to bytes (-1 stays -1 through signed saturation), & 1.
      const ne = from === 'float32' ? op.f32x4Ne : i32x4Ne;
      s.push(dst);
      for (const half of [0, 1]) {
        for (const k of [0, 1]) s.push(src((half * 2 + k) * 16), op.v128Zero, ne);
        s.push(op.i16x8NarrowI32x4S);
      }
      s.push(op.i8x16NarrowI16x8S, op.i32Const(1), op.i8x16Splat, op.v128And, op.v128Store(0));
    } else {
      // float32 → int32; acc |= |x| >= 2^31 (NaN compares false: both give 0).
      for (let k = 0; k < 4; k++) {
        s.push(src(k * 16), op.localSet(V.a));
        s.push(op.localGet(V.acc), op.localGet(V.a), op.f32x4Abs, op.f32Const(2 ** 31), op.f32x4Splat);
        s.push(op.f32x4Ge, op.v128Or, op.localSet(V.acc));
        s.push(dst, op.localGet(V.a), op.i32x4TruncSatF32x4S, op.v128Store(k * 16));
      }
    }
    return s.flat();
  };

  // i = u0 · CAST_BLOCK; end = min(u1 · CAST_BLOCK, n); none: return.
  const unitElements = (u: number) =>
    e(op.localGet(u), op.i32Const(GEMM_COLS * 4), i32DivU, op.i32Const(CAST_BLOCK), i32Mul);
  unitElements(P.u0);
  e(op.localSet(L.i));
  unitElements(P.u1);
  e(op.localSet(L.end));
  e(op.localGet(P.n), op.localGet(L.end), op.localGet(L.end), op.localGet(P.n), i32GtU, i32Select);
  e(op.localSet(L.end));
  e(op.v128Zero, op.localSet(V.acc));
  const elementPointer = (base: number, bytes: number, out: number) =>
    e(op.localGet(base), op.localGet(L.i), op.i32Const(bytes), i32Mul, op.i32Add, op.localSet(out));
  elementPointer(P.psrc, BYTES[from], L.ps);
  elementPointer(P.pdst, BYTES[to], L.pd);
  // n is a multiple of CAST_STEP: no scalar tail.
  e(
    countedLoop({
      counter: L.i,
      limit: L.end,
      step: CAST_STEP,
      body: [...step(), ...advance(L.ps, CAST_STEP * BYTES[from]), ...advance(L.pd, CAST_STEP * BYTES[to])],
    }),
  );
  // Only a raised flag is stored (other units may have raised it).
  e(op.localGet(V.acc), op.v128AnyTrue, op.if, op.localGet(P.pflag), op.i32Const(1), op.i32Store(0), op.end);
  return {
    name: 'gemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [4, I32],
      [2, V128],
    ],
    body: b,
  };
}
