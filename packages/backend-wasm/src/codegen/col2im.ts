/**
 * col2im for the strided input gradient (kernels/conv2d-grad-input.ts), emitted as WebAssembly SIMD for
 * one geometry, so the helper threads can share it (the kit's col2im is JavaScript, one thread only):
 * dx[image, oy·sh + ky·dh, ox·sw + kx·dw, :] += col[pixel, (ky, kx), :] into a zero-padded dx, the
 * caller's crop removing the pads.
 *
 * `gemm(pcol, pdxp, 0, 0, u0, u1, 0)` (a GEMM's signature: units [u0, u1) in column-tile bytes, see
 * EmittedKernels.shareShaped): col at pcol (`[images, oh, ow, kh·kw·cin]`), the padded dx at pdxp
 * (`[images, hp, wp, cin]`, zeroed by the caller). Unit u is image u, which writes only its own padded
 * image, so who takes which does not matter. Every element adds its pixels' taps in pixel order, as the
 * kit's col2im does (the taps of one pixel reach distinct elements), so the bits are the kit's.
 */
import {
  bodyEmitter,
  emitUnitLoop,
  type SmallConvGeometry,
  shapedGemmSpec,
  smallConvGeometryKey,
} from './small-conv-geometry.js';
import { type FunctionSpec, op } from './wasm-encoder.js';

/**
 * The widest window row it takes: its kw·cin/4 vector adds are unrolled (3×3 windows up to 128
 * channels).
 */
export const COL2IM_MAX_ROW = 384;

/** Whether col2im of this geometry can be emitted: whole f32x4 per channel run, a bounded unroll. */
export function col2imEmittable(cin: number, kw: number): boolean {
  return cin % 4 === 0 && kw * cin <= COL2IM_MAX_ROW;
}

export function col2imKey(s: SmallConvGeometry): string {
  return `c2i:${smallConvGeometryKey(s)}`;
}

const P = { pcol: 0, pdx: 1, u0: 4 };
const L = { pc: 7, pdRow: 8, pd: 9, ptap: 10, oy: 11, ox: 12, ky: 13 };
const V0 = 14;

/** `s.cout` is unused (the columns hold Cin per tap). */
export function col2imFunction(s: SmallConvGeometry): FunctionSpec {
  const { cin, kh, kw } = s;
  const { b, e, addTo } = bodyEmitter();
  const colImage = s.oh * s.ow * kh * kw * cin * 4;
  const dxImage = s.hp * s.wp * cin * 4;
  const counted = (local: number, count: number, body: () => void) => {
    e(op.i32Const(0), op.localSet(local), op.loop);
    body();
    e(op.localGet(local), op.i32Const(1), op.i32Add, op.localTee(local));
    e(op.i32Const(count), op.i32LtU, op.brIf(0), op.end);
  };
  emitUnitLoop(e, () => {
    e(op.localGet(P.pcol), op.localGet(P.u0), op.i32Const(colImage), op.i32Mul, op.i32Add, op.localSet(L.pc));
    e(
      op.localGet(P.pdx),
      op.localGet(P.u0),
      op.i32Const(dxImage),
      op.i32Mul,
      op.i32Add,
      op.localSet(L.pdRow),
    );
    counted(L.oy, s.oh, () => {
      e(op.localGet(L.pdRow), op.localSet(L.pd));
      counted(L.ox, s.ow, () => {
        e(op.localGet(L.pd), op.localSet(L.ptap));
        counted(L.ky, kh, () => {
          for (let kx = 0; kx < kw; kx++)
            for (let c = 0; c < cin; c += 4) {
              const at = (kx * s.dw * cin + c) * 4;
              e(op.localGet(L.ptap), op.localGet(L.ptap), op.v128Load(at));
              e(op.localGet(L.pc), op.v128Load((kx * cin + c) * 4), op.f32x4Add, op.v128Store(at));
            }
          addTo(L.pc, kw * cin * 4);
          addTo(L.ptap, s.dh * s.wp * cin * 4);
        });
        addTo(L.pd, s.sw * cin * 4);
      });
      addTo(L.pdRow, s.sh * s.wp * cin * 4);
    });
  });
  return shapedGemmSpec(b, V0, 1);
}
