/**
 * The filter gradient of a convolution with few output channels (4 ≤ Cout ≤ 16, groups = 1), emitted as
 * WebAssembly SIMD for one geometry: dW[tap, co] += x[pixel's input at tap] · dy[pixel, co], summed over
 * every output pixel with no im2col: a band of rows at a time (BAND_PIXELS) into sums started at zero,
 * then the bands' sums added into dW in order (two levels, like the GEMM form's chunks). A group of taps
 * keeps its accumulators (taps × ⌈Cout/4⌉ f32x4) in registers over a band, so each pixel costs one
 * load of dy's Cout floats, one splat per tap and the multiply-adds; an image's dy and x stay in L1.
 * The tap offsets and strides are baked into the loads' offset immediates. On LeNet-5's layers (Cout 6
 * and 16, K = 25 and 150) the im2col + GEMM form ran at about 2.6 GMAC/s: a GEMM of M = Cout rows packs
 * and stores far more than it multiplies.
 *
 * `gemm(pxp, pdy, pslots, 0, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units
 * [u0, u1) in column-tile bytes, see EmittedKernels.shareShaped): x at pxp already padded (`[n, hp, wp,
 * cin]`, every window inside it), dy at pdy (`[n, oh, ow, cout]`). Unit u is block u of the images
 * (smallFilterBlocks), whose dW sum (`[kh, kw, cin, cout]`) it adds into slot u at pslots + u·slotBytes
 * (zeroed by the caller); the caller adds the slots in block order. The blocks follow from the shape
 * alone, so one thread or two give the same bits. Where Cout is not a multiple of 4 the last vector
 * overlaps the one before it (lanes Cout-4…Cout-1); both compute the shared lanes with the same
 * operations in the same order and every vector is loaded before any is stored, so they agree.
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

/** The geometry one emitted function is specialised to, and the batch. */
export interface SmallConvFilterShape extends SmallConvGeometry {
  /** Images. */
  readonly n: number;
}

/** The output channels the emitted form takes: at least one f32x4, at most four (16 registers). */
export const SMALL_FILTER_MIN_COUT = 4;
export const SMALL_FILTER_MAX_COUT = 16;
/**
 * Taps (kh·kw·Cin) it takes at most: every tap group is unrolled, and past this the im2col + GEMM form
 * is faster (1 thread, ms, direct against GEMM): [16,32,32,Cin] ⊛ 3×3×Cin×12 1.52× faster at 144 taps,
 * 1.50× at 252, 1.38× at 360, 0.65× at 576 (x's image then outgrows L1 and L2 and the module takes
 * 100-300 ms to compile).
 */
export const SMALL_FILTER_MAX_TAPS = 384;

/**
 * f32x4 accumulators per tap group: with Cout's vectors and one splat they fit x64's 16 xmm registers
 * (8 + 4 + 1 at Cout 16), so V8 keeps the inner loop free of spills.
 */
const ACCUMULATORS = 8;

/**
 * Output pixels summed from zero before the sum is added into dW (about; a band is whole rows): one
 * running float32 sum over an image's 784 pixels (LeNet conv1) missed backend-cpu by 3e-4 relative;
 * bands this short keep it near the GEMM form's error for a load, add and store per accumulator.
 */
const BAND_PIXELS = 64;

/** Rows per band: the most that divide `oh` and keep a band within BAND_PIXELS (at least one). */
function bandRows(oh: number, ow: number): number {
  for (let r = Math.max(1, Math.floor(BAND_PIXELS / ow)); r > 1; r--) if (oh % r === 0) return r;
  return 1;
}

/**
 * Blocks of images the sum is split into (fixed by the batch, not by the threads): enough that two
 * threads finish within a block of each other; each costs a dW-sized slot and one add.
 */
const FILTER_BLOCKS = 8;

/** The blocks of `n` images: `images` per block (the last may be shorter), `count` of them. */
export function smallFilterBlocks(n: number): { images: number; count: number } {
  const images = Math.ceil(n / Math.min(n, FILTER_BLOCKS));
  return { images, count: Math.ceil(n / images) };
}

/** Bytes of one block's dW slot (16-byte aligned). */
export function smallFilterSlotBytes(s: SmallConvFilterShape): number {
  return Math.ceil((s.kh * s.kw * s.cin * s.cout) / 4) * 16;
}

export function smallConvFilterKey(s: SmallConvFilterShape): string {
  return `cfs:${s.n},${smallConvGeometryKey(s)}`;
}

const P = { pxp: 0, pdy: 1, pslots: 2, u0: 4, u1: 5 };
const L = {
  img: 7,
  pxrow: 8,
  px: 9,
  pd: 10,
  rowEnd: 11,
  oy: 12,
  pdyImg: 13,
  bandEnd: 14,
  imgEnd: 15,
  pxImg: 16,
  pdw: 17,
};
const V0 = 18;
const i32GtU = [0x4b];

export function smallConvFilterFunction(s: SmallConvFilterShape): FunctionSpec {
  const { cin, cout } = s;
  const { vectors, vecAt } = coutVectors(cout);
  const perGroup = Math.max(1, Math.floor(ACCUMULATORS / vectors));
  const taps = s.kh * s.kw * cin;
  /** Byte offset of tap t's input from the window's first input float. */
  const tapAt = (t: number) => {
    const ci = t % cin;
    const kx = Math.floor(t / cin) % s.kw;
    const ky = Math.floor(t / (cin * s.kw));
    return ((ky * s.dh * s.wp + kx * s.dw) * cin + ci) * 4;
  };
  const acc = (t: number, v: number) => V0 + t * vectors + v;
  const d = (v: number) => V0 + perGroup * vectors + v;
  const splat = V0 + perGroup * vectors + vectors;
  const band = bandRows(s.oh, s.ow);

  const { b, e, addTo } = bodyEmitter();

  const blocks = smallFilterBlocks(s.n);
  const xImage = s.hp * s.wp * cin * 4;
  const dyImage = s.oh * s.ow * cout * 4;
  emitUnitLoop(e, () => {
    // Block u: images [u·per, min(n, (u + 1)·per)), into slot u.
    e(op.localGet(P.u0), op.i32Const(blocks.images), op.i32Mul, op.localTee(L.img));
    e(op.i32Const(blocks.images), op.i32Add, op.localTee(L.imgEnd), op.i32Const(s.n), i32GtU, op.if);
    e(op.i32Const(s.n), op.localSet(L.imgEnd), op.end);
    e(op.localGet(P.pslots), op.localGet(P.u0), op.i32Const(smallFilterSlotBytes(s)), op.i32Mul, op.i32Add);
    e(op.localSet(L.pdw));
    e(
      op.localGet(P.pxp),
      op.localGet(L.img),
      op.i32Const(xImage),
      op.i32Mul,
      op.i32Add,
      op.localSet(L.pxImg),
    );
    e(
      op.localGet(P.pdy),
      op.localGet(L.img),
      op.i32Const(dyImage),
      op.i32Mul,
      op.i32Add,
      op.localSet(L.pdyImg),
    );
    e(op.loop);
    for (let t0 = 0; t0 < taps; t0 += perGroup) {
      const group = Math.min(perGroup, taps - t0);
      e(op.localGet(L.pdyImg), op.localSet(L.pd), op.localGet(L.pxImg), op.localSet(L.pxrow));
      e(op.i32Const(0), op.localSet(L.oy));
      // A band of rows: its sums start at zero and are added into dW at its end.
      e(op.loop);
      for (let t = 0; t < group; t++)
        for (let v = 0; v < vectors; v++) e(op.v128Zero, op.localSet(acc(t, v)));
      e(op.localGet(L.oy), op.i32Const(band), op.i32Add, op.localSet(L.bandEnd));
      e(op.loop);
      e(op.localGet(L.pxrow), op.localSet(L.px));
      e(op.localGet(L.pd), op.i32Const(s.ow * cout * 4), op.i32Add, op.localSet(L.rowEnd));
      e(op.loop);
      for (let v = 0; v < vectors; v++) e(op.localGet(L.pd), op.v128Load(vecAt[v]!), op.localSet(d(v)));
      for (let t = 0; t < group; t++) {
        e(op.localGet(L.px), op.v128Load32Splat(tapAt(t0 + t)), op.localSet(splat));
        for (let v = 0; v < vectors; v++) e(...f32x4MulAdd(acc(t, v), splat, d(v)));
      }
      addTo(L.px, s.sw * cin * 4);
      e(op.localGet(L.pd), op.i32Const(cout * 4), op.i32Add, op.localTee(L.pd));
      e(op.localGet(L.rowEnd), op.i32LtU, op.brIf(0), op.end);
      addTo(L.pxrow, s.sh * s.wp * cin * 4);
      e(op.localGet(L.oy), op.i32Const(1), op.i32Add, op.localTee(L.oy));
      e(op.localGet(L.bandEnd), op.i32LtU, op.brIf(0), op.end);
      // Every vector of a tap is loaded before any is stored: overlapping lanes get the same sum.
      for (let t = 0; t < group; t++) {
        const at = (v: number) => (t0 + t) * cout * 4 + vecAt[v]!;
        for (let v = 0; v < vectors; v++)
          e(
            op.localGet(L.pdw),
            op.v128Load(at(v)),
            op.localGet(acc(t, v)),
            op.f32x4Add,
            op.localSet(acc(t, v)),
          );
        for (let v = 0; v < vectors; v++) e(op.localGet(L.pdw), op.localGet(acc(t, v)), op.v128Store(at(v)));
      }
      e(op.localGet(L.oy), op.i32Const(s.oh), op.i32LtU, op.brIf(0), op.end);
    }
    addTo(L.pxImg, xImage);
    addTo(L.pdyImg, dyImage);
    e(op.localGet(L.img), op.i32Const(1), op.i32Add, op.localTee(L.img));
    e(op.localGet(L.imgEnd), op.i32LtU, op.brIf(0), op.end);
  });
  return shapedGemmSpec(b, V0, perGroup * vectors + vectors + 1);
}
