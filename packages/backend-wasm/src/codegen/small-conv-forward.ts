/**
 * A convolution with few channels (4 ≤ Cout ≤ 8, Cin ≤ 4, groups = 1), emitted as WebAssembly SIMD for
 * one geometry: y[pixel, co] = Σ over taps x[pixel's input at tap] · F[tap, co], with no im2col. A
 * block of output pixels keeps its sums (pixels × ⌈Cout/4⌉ f32x4) in registers over all taps; each tap
 * costs Cout's filter vectors (L1) and one splat per pixel. Used for LeNet-5's first convolution (Cin 1,
 * Cout 6), where XNNPACK's 8-column tiles leave a quarter of the product empty and its indirection and
 * packing cost more than the product's K = 25.
 *
 * `gemm(pxp, pf, py, 0, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units [u0, u1)
 * in column-tile bytes, see EmittedKernels.shareShaped): x at pxp already padded (`[n, hp, wp, cin]`,
 * every window inside it), the filter at pf (`[kh, kw, cin, cout]`), y at py (`[n, oh, ow, cout]`,
 * overwritten). Unit u is image u; images write disjoint rows, so who takes which does not matter.
 * Each sum adds the taps in (ky, kx, ci) order from zero. Where Cout is not a multiple of 4 the last
 * vector overlaps the one before it and both store the same bits.
 */
import {
  bodyEmitter,
  coutVectors,
  emitUnitLoop,
  f32x4MulAdd,
  type SmallConvGeometry,
  shapedGemmSpec,
  smallConvGeometryKey,
} from './small-conv-geometry.js';
import { type FunctionSpec, op } from './wasm-encoder.js';

export type SmallConvShape = SmallConvGeometry;

/**
 * The shapes it takes: 4-8 output channels (one or two f32x4) and at most 4 input channels, where it
 * beats XNNPACK (measured 1 thread, output read back included, ms): LeNet conv1 [64,28,28,1] ⊛
 * 5×5×1×6 1.4 against 2.4, [64,28,28,2] ⊛ 5×5×2×8 2.5-2.8 against 3.3-3.4; but [32,32,32,3] ⊛
 * 3×3×3×16 2.6-2.7 against 2.3-2.5 and [64,14,14,6] ⊛ 5×5×6×16 level, and with 16 input channels
 * (conv2's flipped input gradient, Cout 6) 6-8 against 2.9: there XNNPACK's tiles are full.
 */
export const SMALL_CONV_MIN_COUT = 4;
export const SMALL_CONV_MAX_COUT = 8;
export const SMALL_CONV_MAX_CIN = 4;

/** f32x4 sums per block of pixels: with Cout's filter vectors and a splat, within x64's 16 registers. */
const ACCUMULATORS = 8;

export function smallConvKey(s: SmallConvShape): string {
  return `cfw:${smallConvGeometryKey(s)}`;
}

const P = { pxp: 0, pf: 1, py: 2, u0: 4, u1: 5 };
const L = { pxRow: 7, px: 8, py: 9, oy: 10, block: 11, pxTap: 12, pfTap: 13, ky: 14, kx: 15 };
const V0 = 16;

export function smallConvFunction(s: SmallConvShape): FunctionSpec {
  const { cin, cout } = s;
  const { vectors, vecAt } = coutVectors(cout);
  const perBlock = Math.max(1, Math.floor(ACCUMULATORS / vectors));
  const pixelX = s.sw * cin * 4;
  const pixelY = cout * 4;
  const acc = (p: number, v: number) => V0 + p * vectors + v;
  const fv = (v: number) => V0 + perBlock * vectors + v;
  const splat = V0 + perBlock * vectors + vectors;

  const { b, e, addTo } = bodyEmitter();

  /**
   * `pixels` output pixels from L.px (input) into L.py (output), then both advanced past them. The taps
   * run as a loop over (ky, kx) with the Cin taps of each unrolled: unrolling every tap let V8 hoist
   * the filter loads of a whole block (no store in between) and spill them, 3x slower than XNNPACK.
   */
  const pixelBlock = (pixels: number) => {
    for (let p = 0; p < pixels; p++) for (let v = 0; v < vectors; v++) e(op.v128Zero, op.localSet(acc(p, v)));
    e(op.localGet(L.px), op.localSet(L.pxTap), op.localGet(P.pf), op.localSet(L.pfTap));
    e(op.i32Const(0), op.localSet(L.ky));
    e(op.loop);
    e(op.i32Const(0), op.localSet(L.kx));
    e(op.loop);
    for (let ci = 0; ci < cin; ci++) {
      for (let v = 0; v < vectors; v++)
        e(op.localGet(L.pfTap), op.v128Load(ci * cout * 4 + vecAt[v]!), op.localSet(fv(v)));
      for (let p = 0; p < pixels; p++) {
        e(op.localGet(L.pxTap), op.v128Load32Splat(ci * 4 + p * pixelX), op.localSet(splat));
        for (let v = 0; v < vectors; v++) e(...f32x4MulAdd(acc(p, v), splat, fv(v)));
      }
    }
    addTo(L.pxTap, s.dw * cin * 4);
    addTo(L.pfTap, cin * cout * 4);
    e(op.localGet(L.kx), op.i32Const(1), op.i32Add, op.localTee(L.kx));
    e(op.i32Const(s.kw), op.i32LtU, op.brIf(0), op.end);
    addTo(L.pxTap, (s.dh * s.wp - s.kw * s.dw) * cin * 4);
    e(op.localGet(L.ky), op.i32Const(1), op.i32Add, op.localTee(L.ky));
    e(op.i32Const(s.kh), op.i32LtU, op.brIf(0), op.end);
    for (let p = 0; p < pixels; p++)
      for (let v = 0; v < vectors; v++)
        e(op.localGet(L.py), op.localGet(acc(p, v)), op.v128Store(p * pixelY + vecAt[v]!));
    addTo(L.px, pixels * pixelX);
    addTo(L.py, pixels * pixelY);
  };

  const xImage = s.hp * s.wp * cin * 4;
  const yImage = s.oh * s.ow * cout * 4;
  const blocks = Math.floor(s.ow / perBlock);
  const tail = s.ow % perBlock;
  emitUnitLoop(e, () => {
    e(op.localGet(P.pxp), op.localGet(P.u0), op.i32Const(xImage), op.i32Mul, op.i32Add, op.localSet(L.pxRow));
    e(op.localGet(P.py), op.localGet(P.u0), op.i32Const(yImage), op.i32Mul, op.i32Add, op.localSet(L.py));
    e(op.i32Const(0), op.localSet(L.oy));
    e(op.loop);
    e(op.localGet(L.pxRow), op.localSet(L.px));
    if (blocks > 0) {
      e(op.i32Const(0), op.localSet(L.block));
      e(op.loop);
      pixelBlock(perBlock);
      e(op.localGet(L.block), op.i32Const(1), op.i32Add, op.localTee(L.block));
      e(op.i32Const(blocks), op.i32LtU, op.brIf(0), op.end);
    }
    if (tail > 0) pixelBlock(tail);
    addTo(L.pxRow, s.sh * s.wp * cin * 4);
    e(op.localGet(L.oy), op.i32Const(1), op.i32Add, op.localTee(L.oy));
    e(op.i32Const(s.oh), op.i32LtU, op.brIf(0), op.end);
  });
  return shapedGemmSpec(b, V0, perBlock * vectors + vectors + 1);
}
