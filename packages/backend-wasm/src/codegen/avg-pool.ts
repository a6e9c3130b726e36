/**
 * Average pooling for windows that tile the input (stride = window, no padding, at least 4 channels),
 * emitted as WebAssembly SIMD for one geometry: the kit's loop to the bit, two channels per float64x2
 * lane pair. Each window's elements are added in row-major order to a float64 sum that starts at +0,
 * divided by the count in float64 and rounded once to float32, as the kit does; NaN and ±Infinity
 * propagate as in PyTorch, and an all −0 window gives +0 like the kit's 0 + −0. XNNPACK's AvgPool sums
 * in float32 and turns NaN into −Infinity, so the generic path has to scan its input for NaN first.
 *
 * `gemm(px, py, 0, 0, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units [u0, u1)
 * in column-tile bytes, see EmittedKernels.shareShaped): unit u is image u of x `[n, h, w, c]` and y
 * `[n, oh, ow, c]`; images write disjoint rows. Input rows or columns past the last window are not
 * read. Where c is not a multiple of 4 the last vector overlaps the one before it and stores the same
 * bits.
 */
import {
  emitTilingWindows,
  type TilingWindowShape,
  tilingWindowKey,
  windowElementAt,
} from './tiling-windows.js';
import { type Bytes, type FunctionSpec, I32, op, uleb, V128 } from './wasm-encoder.js';

/** Window elements the emitted form takes (two loads each, unrolled): 8×8 covers a CIFAR global pool. */
export const AVG_POOL_WINDOW = 64;

export function avgPoolKey(s: TilingWindowShape): string {
  return tilingWindowKey('ap', s);
}

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];
const f64x2Div = simd(0xf3);
const f64x2Splat = simd(0x14);
const f64Const = (v: number): Bytes => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];

const P = { px: 0, py: 1, u0: 4, u1: 5 };
const L = { img: 7, xRow: 8, xWin: 9, pyPix: 10, oy: 11, ox: 12, cb: 13, ax: 14, ay: 15 };
const V = { lo: 16, hi: 17, count: 18 };

export function avgPoolFunction(s: TilingWindowShape): FunctionSpec {
  const elements = s.kh * s.kw;
  const at = (j: number) => windowElementAt(s, j);
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };

  /** Four channels at byte offset L.cb of the window: two float64x2 sums, then one rounding each. */
  const body = () => {
    e(op.localGet(L.xWin), op.localGet(L.cb), op.i32Add, op.localSet(L.ax));
    e(op.localGet(L.pyPix), op.localGet(L.cb), op.i32Add, op.localSet(L.ay));
    e(op.v128Zero, op.localSet(V.lo), op.v128Zero, op.localSet(V.hi));
    for (let j = 0; j < elements; j++) {
      for (const [acc, half] of [
        [V.lo, 0],
        [V.hi, 8],
      ] as const) {
        e(op.localGet(acc), op.localGet(L.ax), op.v128Load64Zero(at(j) + half), op.f64x2PromoteLowF32x4);
        e(op.f64x2Add, op.localSet(acc));
      }
    }
    for (const [acc, half] of [
      [V.lo, 0],
      [V.hi, 8],
    ] as const) {
      e(op.localGet(L.ay), op.localGet(acc), op.localGet(V.count), f64x2Div, op.f32x4DemoteF64x2Zero);
      e(op.v128Store64Lane0(half));
    }
  };

  e(f64Const(elements), f64x2Splat, op.localSet(V.count));
  emitTilingWindows(
    e,
    s,
    {
      u0: P.u0,
      u1: P.u1,
      img: L.img,
      oy: L.oy,
      ox: L.ox,
      cb: L.cb,
      windowed: [{ base: P.px, row: L.xRow, win: L.xWin }],
      pixel: { base: P.py, at: L.pyPix },
    },
    body,
  );
  return {
    name: 'gemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [V.lo - 7, I32],
      [3, V128],
    ],
    body: b,
  };
}
