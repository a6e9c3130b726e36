/**
 * Average pooling's gradient for windows that tile the input (stride = window, no padding, at least 4
 * channels), emitted as WebAssembly SIMD for one geometry: four channels at a time, each window's dy
 * times 1/count goes to every element of its window. The kit's loop computes `0 + dy · (1/count)` in
 * float64 and rounds once. Other counts do just that in float64x2 lanes; with a power-of-two count the
 * float32 product is that product rounded, so it is the same bits, except where dy is ±0: the kit's sum
 * is +0 then (a nonzero product that underflows stays −0 in both). NaN and ±Inf pass through. Windows do not overlap, so each dx element is written once. The kit's
 * loop (scalar, float64) took about 8 ms per DenseNet-40 transition layer (2.6 M elements).
 *
 * `gemm(pdy, pdx, 0, 0, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units [u0, u1)
 * in column-tile bytes, see EmittedKernels.shareShaped): unit u is image u of dx `[n, h, w, c]` and dy
 * `[n, oh, ow, c]`; images write disjoint rows. Input rows or columns past the last window are left as
 * they are: the caller zeroes dx then. Where c is not a multiple of 4 the last vector overlaps the one
 * before it and stores the same bits.
 */
import {
  emitTilingWindows,
  type TilingWindowShape,
  tilingWindowKey,
  windowElementAt,
} from './tiling-windows.js';
import { type Bytes, type FunctionSpec, I32, op, uleb, V128 } from './wasm-encoder.js';

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];
const f64x2Splat = simd(0x14);
const f64Const = (v: number): Bytes => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
/** i8x16.shuffle: the low 8 bytes of a, then the low 8 bytes of b. */
const lowHalves: Bytes = [...simd(0x0d), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** Window elements the emitted form takes (one store each, unrolled): 8×8 covers a CIFAR global pool. */
export const AVG_POOL_GRAD_WINDOW = 64;

/** Whether `count` elements' 1/count is a power of two (so float32's product is float64's, rounded): the
 * float32 form; other counts multiply in float64 as the kit does. */
export function exactReciprocal(count: number): boolean {
  return count > 0 && (count & (count - 1)) === 0;
}

export function avgPoolGradKey(s: TilingWindowShape): string {
  return tilingWindowKey('apg', s);
}

const P = { pdy: 0, pdx: 1, u0: 4, u1: 5 };
const L = { img: 7, dxRow: 8, dxWin: 9, pdyPix: 10, oy: 11, ox: 12, cb: 13, adx: 14, ady: 15 };
const VG = 16;

export function avgPoolGradFunction(s: TilingWindowShape): FunctionSpec {
  const elements = s.kh * s.kw;
  const at = (j: number) => windowElementAt(s, j);
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };

  /** Four channels at byte offset L.cb of the window. */
  const body = () => {
    e(op.localGet(L.dxWin), op.localGet(L.cb), op.i32Add, op.localSet(L.adx));
    e(op.localGet(L.pdyPix), op.localGet(L.cb), op.i32Add, op.localSet(L.ady));
    if (exactReciprocal(elements)) {
      // dy · (1/count), then +0 where dy is ±0 (the kit's 0 + −0); a product that underflows keeps its sign.
      e(op.localGet(L.ady), op.v128Load(0), op.localSet(VG));
      e(op.localGet(VG), op.f32Const(1 / elements), op.f32x4Splat, op.f32x4Mul);
      e(op.localGet(VG), op.v128Zero, op.f32x4Eq, op.v128AndNot, op.localSet(VG));
    } else {
      // The kit's float64 0 + dy · (1/count), rounded once, two lanes at a time.
      for (const half of [0, 8]) {
        e(op.localGet(L.ady), op.v128Load64Zero(half), op.f64x2PromoteLowF32x4);
        e(f64Const(1 / elements), f64x2Splat, op.f64x2Mul, op.v128Zero, op.f64x2Add, op.f32x4DemoteF64x2Zero);
      }
      e(lowHalves, op.localSet(VG));
    }
    for (let j = 0; j < elements; j++) e(op.localGet(L.adx), op.localGet(VG), op.v128Store(at(j)));
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
      windowed: [{ base: P.pdx, row: L.dxRow, win: L.dxWin }],
      pixel: { base: P.pdy, at: L.pdyPix },
    },
    body,
  );
  return {
    name: 'gemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [VG - 7, I32],
      [1, V128],
    ],
    body: b,
  };
}
