/**
 * What the emitted small-channel convolutions (small-conv-forward.ts, small-conv-filter.ts) share: the
 * geometry they are specialised to, Cout's f32x4 vectors, the byte emitter and the loop over their
 * units (both run with a GEMM's signature, so the helper threads can share them: see
 * EmittedKernels.shareShaped).
 */
import type { ConvGeometry } from '@dendrite/core/kit';
import { GEMM_COLS } from './gemm.js';
import { type Bytes, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

/** The geometry one emitted function is specialised to (x already padded to hp × wp). */
export interface SmallConvGeometry {
  readonly hp: number;
  readonly wp: number;
  readonly cin: number;
  readonly cout: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
}

/** `g`'s geometry over an input padded to hp × wp, with `cout` output channels (col2im writes Cin). */
export function smallConvGeometryOf(
  g: ConvGeometry,
  hp: number,
  wp: number,
  cout = g.cout,
): SmallConvGeometry {
  const { cin, oh, ow, kh, kw, sh, sw, dh, dw } = g;
  return { hp, wp, cin, cout, oh, ow, kh, kw, sh, sw, dh, dw };
}

/** The geometry's part of a kernel key. */
export function smallConvGeometryKey(s: SmallConvGeometry): string {
  return `${s.hp},${s.wp},${s.cin},${s.cout},${s.oh},${s.ow},${s.kh},${s.kw},${s.sh},${s.sw},${s.dh},${s.dw}`;
}

/**
 * Cout's f32x4 vectors and the byte offset of each in a pixel's Cout floats: 0, 16, …; the last
 * overlaps the one before it when Cout % 4 ≠ 0.
 */
export function coutVectors(cout: number): { vectors: number; vecAt: number[] } {
  const vectors = Math.ceil(cout / 4);
  return { vectors, vecAt: Array.from({ length: vectors }, (_, v) => Math.min(4 * v, cout - 4) * 4) };
}

/** A function body being emitted: `e` appends, `addTo` adds a constant to an i32 local. */
export function bodyEmitter(): {
  b: Bytes;
  e: (...xs: Bytes[]) => void;
  addTo: (local: number, bytes: number) => void;
} {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const addTo = (local: number, bytes: number) =>
    e(op.localGet(local), op.i32Const(bytes), op.i32Add, op.localSet(local));
  return { b, e, addTo };
}

/** `acc += a · b` on f32x4 locals (a multiply, then an add: two roundings, no fused multiply-add). */
export function f32x4MulAdd(acc: number, a: number, b: number): Bytes[] {
  return [op.localGet(acc), op.localGet(a), op.localGet(b), op.f32x4Mul, op.f32x4Add, op.localSet(acc)];
}

/** The GEMM signature's unit parameters (from, to, in column-tile bytes). */
const U0 = 4;
const U1 = 5;
const i32DivU = [0x6e];

/**
 * `unit` emitted once inside a loop over units [u0, u1) (the parameters, turned from column-tile bytes
 * into unit numbers first; none: return), the current unit in parameter 4 (u0).
 */
export function emitUnitLoop(e: (...xs: Bytes[]) => void, unit: () => void): void {
  for (const u of [U0, U1]) e(op.localGet(u), op.i32Const(GEMM_COLS * 4), i32DivU, op.localSet(u));
  e(op.block, op.localGet(U0), op.localGet(U1), op.i32GeU, op.brIf(0));
  e(op.loop);
  unit();
  e(op.localGet(U0), op.i32Const(1), op.i32Add, op.localTee(U0));
  e(op.localGet(U1), op.i32LtU, op.brIf(0), op.end, op.end);
}

/** The emitted `gemm` export: the GEMM's seven i32 parameters, then i32 locals up to `v0`, then `v128s`. */
export function shapedGemmSpec(body: Bytes, v0: number, v128s: number): FunctionSpec {
  return {
    name: 'gemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [v0 - 7, I32],
      [v128s, V128],
    ],
    body,
  };
}
