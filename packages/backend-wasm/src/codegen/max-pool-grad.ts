/**
 * Max pooling's gradient for windows that tile the input (stride = window, no padding, at least 4
 * channels), emitted as WebAssembly SIMD for one geometry: four channels at a time, each window's
 * elements are compared in row-major order exactly as the kit's loop does (strictly greater replaces
 * the maximum, so the first of equal maxima keeps it; the first NaN wins over numbers), keeping one
 * lane mask per window element that says whether it holds the maximum so far; dy goes to the element
 * whose mask survives, +0 to the others. Since windows do not overlap, every dx element is written
 * once: `(dy & mask) + 0` is the kit's `0 + dy` (−0 becomes +0) to the bit. The kit's loop (scalar,
 * a scratch row per pixel) took 2.4-5.4 ms of LeNet-5's 15-28 ms step for 400 K input elements.
 *
 * `gemm(px, pdy, pdx, 0, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units [u0, u1)
 * in column-tile bytes, see EmittedKernels.shareShaped): unit u is image u of x and dx `[n, h, w, c]`
 * and dy `[n, oh, ow, c]`; images write disjoint rows. Input rows or columns past the last window
 * (h > oh·kh) are left as they are: the caller zeroes dx then.
 * Where c is not a multiple of 4 the last vector overlaps the one before it and stores the same bits.
 */
import {
  emitTilingWindows,
  type TilingWindowShape,
  tilingWindowKey,
  windowElementAt,
} from './tiling-windows.js';
import { type Bytes, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

/** Window elements the emitted form takes: one mask register each, with four more in use (x64: 16). */
export const MAX_POOL_GRAD_WINDOW = 9;

export function maxPoolGradKey(s: TilingWindowShape): string {
  return tilingWindowKey('mpg', s);
}

const P = { px: 0, pdy: 1, pdx: 2, u0: 4, u1: 5 };
const L = { img: 7, xRow: 8, dxRow: 9, xWin: 10, dxWin: 11, pdyPix: 12, oy: 13, ox: 14, cb: 15 };
const L_AX = 16;
const L_ADX = 17;
const L_ADY = 18;
const VB = 19;

export function maxPoolGradFunction(s: TilingWindowShape): FunctionSpec {
  const { kh, kw } = s;
  const elements = kh * kw;
  const at = (j: number) => windowElementAt(s, j);
  const best = VB;
  const v = VB + 1;
  const take = VB + 2;
  const dyv = VB + 3;
  const mask = (j: number) => VB + 4 + j;

  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const sum = (a: number, c2: number, out: number) =>
    e(op.localGet(a), op.localGet(c2), op.i32Add, op.localSet(out));

  /** Four channels at byte offset L.cb of the window. */
  const body = () => {
    sum(L.xWin, L.cb, L_AX);
    sum(L.dxWin, L.cb, L_ADX);
    sum(L.pdyPix, L.cb, L_ADY);
    e(op.localGet(L_AX), op.v128Load(at(0)), op.localSet(best));
    e(op.i32Const(-1), op.i32x4Splat, op.localSet(mask(0)));
    for (let j = 1; j < elements; j++) {
      e(op.localGet(L_AX), op.v128Load(at(j)), op.localSet(v));
      // take = v > best | (v is NaN & best is not)
      e(op.localGet(v), op.localGet(best), op.f32x4Gt);
      e(op.localGet(v), op.localGet(v), op.f32x4Ne, op.localGet(best), op.localGet(best), op.f32x4Ne);
      e(op.v128AndNot, op.v128Or, op.localSet(take));
      e(op.localGet(v), op.localGet(best), op.localGet(take), op.v128Bitselect, op.localSet(best));
      for (let i = 0; i < j; i++)
        e(op.localGet(mask(i)), op.localGet(take), op.v128AndNot, op.localSet(mask(i)));
      e(op.localGet(take), op.localSet(mask(j)));
    }
    e(op.localGet(L_ADY), op.v128Load(0), op.localSet(dyv));
    for (let j = 0; j < elements; j++) {
      e(op.localGet(L_ADX), op.localGet(dyv), op.localGet(mask(j)), op.v128And);
      e(op.v128Zero, op.f32x4Add, op.v128Store(at(j)));
    }
  };

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
      windowed: [
        { base: P.px, row: L.xRow, win: L.xWin },
        { base: P.pdx, row: L.dxRow, win: L.dxWin },
      ],
      pixel: { base: P.pdy, at: L.pdyPix },
    },
    body,
  );
  return {
    name: 'gemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [VB - 7, I32],
      [4 + elements, V128],
    ],
    body: b,
  };
}
