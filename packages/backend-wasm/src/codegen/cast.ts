/**
 * `cast` between float32, int32 and bool, emitted as WebAssembly SIMD, sixteen elements a step: the
 * kit's TypeScript loop runs element by element over the heap. Lane by lane the same values as the
 * kit's (`kit.cast`): int32 → float32 rounds to nearest even like a Float32Array store; bool is `x != 0`
 * (NaN is true) as 0/1 bytes; bool → a number is 0 or 1. float32 → int32 truncates toward zero with
 * saturation, which is the kit's Math.trunc-then-Int32Array store (NaN → 0) wherever |x| < 2³¹; the
 * pass raises a flag where some |x| ≥ 2³¹ (the kit wraps those modulo 2³², as a store does), and the
 * caller then runs the kit's loop instead.
 *
 * `gemm(psrc, pdst, pflag, n, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units
 * [u0, u1) in column-tile bytes, see EmittedKernels.shareShaped): unit u is elements
 * [u·CAST_BLOCK, (u + 1)·CAST_BLOCK) of the first n (a multiple of 16); units write disjoint outputs
 * and only ever store 1 to the flag, so the result does not depend on who ran which.
 */
import { GEMM_COLS } from './gemm.js';
import { type Bytes, type FunctionSpec, I32, op, uleb, V128 } from './wasm-encoder.js';

export type CastType = 'float32' | 'int32' | 'bool';

/** Elements the pass converts per step: one 16-byte store of bools. */
export const CAST_STEP = 16;
/** Elements per unit the helper threads share (64 KiB of float32: a thread's share is worth waking it). */
export const CAST_BLOCK = 16384;

export function castKey(from: CastType, to: CastType): string {
  return `cast:${from}>${to}`;
}

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];
const v128Load32Zero = (offset: number): Bytes => [...simd(0x5c), 2, ...uleb(offset)];
const i32x4Ne = simd(0x38);
const f32x4ConvertI32x4S = simd(0xfa);
const i16x8ExtendLowI8x16U = simd(0x89);
const i32x4ExtendLowI16x8U = simd(0xa9);
const i32DivU = [0x6e];
const i32Mul = [0x6c];
const i32GtU = [0x4b];
const i32Select = [0x1b];

const P = { psrc: 0, pdst: 1, pflag: 2, n: 3, u0: 4, u1: 5 };
const L = { i: 7, end: 8, ps: 9, pd: 10 };
const V = { acc: 11, a: 12, b: 13 };

const BYTES: Record<CastType, number> = { float32: 4, int32: 4, bool: 1 };

export function castFunction(from: CastType, to: CastType): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const src = (k: number, load: (offset: number) => Bytes = op.v128Load) => e(op.localGet(L.ps), load(k));
  const dst = () => e(op.localGet(L.pd));

  /** Sixteen elements at ps → pd. */
  const body = () => {
    if (to === 'bool') {
      // Four masks of x != 0, narrowed to bytes (-1 stays -1 through signed saturation), & 1.
      const ne = from === 'float32' ? op.f32x4Ne : i32x4Ne;
      dst();
      for (const half of [0, 1]) {
        for (const k of [0, 1]) {
          src((half * 2 + k) * 16);
          e(op.v128Zero, ne);
        }
        e(op.i16x8NarrowI32x4S);
      }
      e(op.i8x16NarrowI16x8S, op.i32Const(1), op.i8x16Splat, op.v128And, op.v128Store(0));
    } else if (from === 'bool') {
      for (let k = 0; k < 4; k++) {
        dst();
        src(k * 4, v128Load32Zero);
        e(i16x8ExtendLowI8x16U, i32x4ExtendLowI16x8U);
        if (to === 'float32') e(f32x4ConvertI32x4S);
        e(op.v128Store(k * 16));
      }
    } else if (from === 'int32') {
      for (let k = 0; k < 4; k++) {
        dst();
        src(k * 16);
        e(f32x4ConvertI32x4S, op.v128Store(k * 16));
      }
    } else {
      // float32 → int32; acc |= |x| >= 2^31 (NaN compares false: both give 0).
      for (let k = 0; k < 4; k++) {
        src(k * 16);
        e(op.localSet(V.a));
        e(op.localGet(V.acc), op.localGet(V.a), op.f32x4Abs, op.f32Const(2 ** 31), op.f32x4Splat, op.f32x4Ge);
        e(op.v128Or, op.localSet(V.acc));
        dst();
        e(op.localGet(V.a), op.i32x4TruncSatF32x4S, op.v128Store(k * 16));
      }
    }
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
  e(op.block, op.localGet(L.i), op.localGet(L.end), op.i32GeU, op.brIf(0), op.loop);
  body();
  for (const [local, bytes] of [
    [L.ps, CAST_STEP * BYTES[from]],
    [L.pd, CAST_STEP * BYTES[to]],
  ] as const)
    e(op.localGet(local), op.i32Const(bytes), op.i32Add, op.localSet(local));
  e(
    op.localGet(L.i),
    op.i32Const(CAST_STEP),
    op.i32Add,
    op.localTee(L.i),
    op.localGet(L.end),
    op.i32LtU,
    op.brIf(0),
  );
  e(op.end, op.end);
  // Only a raised flag is stored (other units may have raised it).
  e(op.localGet(V.acc), op.v128AnyTrue, op.if, op.localGet(P.pflag), op.i32Const(1), op.i32Store(0), op.end);
  return {
    name: 'gemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [4, I32],
      [3, V128],
    ],
    body: b,
  };
}
