/**
 * The input gradient of a stride-1 convolution with few channels (groups = 1, Cout a multiple of 4),
 * emitted as WebAssembly SIMD for one geometry: dx[ih, iw, c] = Σ over the taps (a, b) whose dy pixel
 * (ih + pt − a, iw + pl − b) lies inside dy of Σ_o dy[that pixel, o] · W[a, b, c, o]. Only those taps
 * are gathered: the flipped forward convolution on XNNPACK multiplies dy padded by kh − 1 on every side,
 * over half zeros on LeNet-5's conv2 (dy 10×10 → dx 14×14, 5×5), and a non-finite filter times those
 * zeros would poison dx's border, which PyTorch leaves finite; here every filter is taken.
 *
 * The sum over o runs as f32x4 dot products (dy's and W[a, b, c, ·]'s Cout floats are both
 * contiguous): each (pixel, c) keeps one f32x4 of partial sums over all its taps, reduced across lanes
 * at the end ((l0 + l2) + (l1 + l3)); more than 6 input channels run as passes of four over the taps
 * (dy stays in L1). A block of pixels along a row shares each filter vector load (pixel p's dy at the
 * same tap is p pixels further along dy's row). The rows' tap range is computed at
 * run time; the columns' is known per column, so the row is emitted as runs of columns with the same
 * range (left border, interior, right border).
 *
 * `gemm(pdy, pf, pdx, 0, u0, u1, 0)` (a GEMM's signature, so the helper threads run it: units [u0, u1)
 * in column-tile bytes, see EmittedKernels.shareShaped): dy at pdy (`[n, oh, ow, cout]`), the filter
 * at pf (`[kh, kw, cin, cout]`), dx at pdx (`[n, h, w, cin]`, overwritten). Unit u is image u; images
 * write disjoint pixels, and a pixel's sum runs in (a, b, o) order whichever block it falls in, so one
 * thread or two give the same bits.
 */
import {
  bodyEmitter,
  coutVectors,
  emitUnitLoop,
  f32x4MulAdd,
  shapedGemmSpec,
} from './small-conv-geometry.js';
import { type Bytes, type FunctionSpec, op } from './wasm-encoder.js';

/** The geometry one emitted function is specialised to (stride 1, dilation 1). */
export interface SmallConvInputGradShape {
  /** dx's rows and columns. */
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number;
  /** dy's rows and columns. */
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  /** The forward convolution's top and left padding. */
  readonly pt: number;
  readonly pl: number;
}

/**
 * The shapes it takes, where it beats the flipped convolution on XNNPACK (1 thread, same process,
 * medians, ms, direct against XNNPACK). Up to 6 input channels (one pass over the taps) always: LeNet-5's
 * conv2 dy [64,10,10,16] → dx [64,14,14,6] 5×5 valid 1.51 against 2.97; [32,16,16,·] 3×3 same Cin 4,
 * Cout 16 0.42 against 0.75; [64,10,10,8] → Cin 6 5×5 0.81 against 1.66. With 7 to 16 (passes of four
 * channels) only where the flipped form's zero padding is a large share of its taps
 * (SMALL_INPUT_GRAD_MAX_VALID_SHARE): Cin 8/12/16 5×5 valid (half its taps inside dy) 1.46-1.96× faster,
 * 3×3 valid on 16×16 (0.77 inside) 1.05-1.11×, but 5×5 same on 16×16 (0.86) 1.04×, 3×3 same on 16×16
 * (0.92) 1.02× at Cin 8 and ResNet-20's first stage ([32,32,32,16] 3×3 same, 0.96) 0.93× (0.61× on
 * 8×8 images): there
 * XNNPACK's tiles are full and its padding little.
 */
export const SMALL_INPUT_GRAD_MAX_COUT = 16;
export const SMALL_INPUT_GRAD_MAX_CIN = 16;
/**
 * Input channels summed in one pass over the taps at most (2 pixels × 6 sums + 3 vectors fill the
 * registers); above it passes of four, and the flipped form's padding must be a large share to pay.
 */
export const SMALL_INPUT_GRAD_ONE_PASS_CIN = 6;
/** The largest share of the flipped form's taps inside dy at which more channels take this form. */
export const SMALL_INPUT_GRAD_MAX_VALID_SHARE = 0.8;

/**
 * The share of the flipped convolution's taps (h · w · kh · kw per channel pair) that land inside dy:
 * the work this form does against the work XNNPACK does.
 */
export function validTapShare(s: SmallConvInputGradShape): number {
  const inside = (size: number, k: number, pad: number, out: number) => {
    let taps = 0;
    for (let i = 0; i < size; i++)
      taps += Math.max(0, Math.min(k, i + pad + 1) - Math.max(0, i + pad - out + 1));
    return taps / (size * k);
  };
  return inside(s.h, s.kh, s.pt, s.oh) * inside(s.w, s.kw, s.pl, s.ow);
}

export function smallConvInputGradKey(s: SmallConvInputGradShape): string {
  return `cdx:${s.h},${s.w},${s.cin},${s.cout},${s.oh},${s.ow},${s.kh},${s.kw},${s.pt},${s.pl}`;
}

/**
 * f32x4 registers a block may hold (pixels × a pass's channel sums, a dy vector per pixel and a filter
 * vector): V8
 * on x64 allocates 15 of the 16 xmm registers.
 */
const REGISTERS = 15;
const MAX_BLOCK = 4;

/** Pixels per block for `channels` sums per pixel. */
function blockPixels(channels: number): number {
  return Math.max(1, Math.min(MAX_BLOCK, Math.floor((REGISTERS - 1) / (channels + 1))));
}

/**
 * The passes' channels [c0, c0 + size): all of Cin in one, or four at a time (the last overlapping the
 * one before it: both compute the shared channels with the same operations, so they store the same bits).
 */
function channelPasses(cin: number): { c0: number; size: number }[] {
  if (cin <= SMALL_INPUT_GRAD_ONE_PASS_CIN) return [{ c0: 0, size: cin }];
  return coutVectors(cin).vecAt.map((at) => ({ c0: at / 4, size: 4 }));
}

/** A run of dx columns [iw0, iw1) whose taps are b ∈ [bLo, bHi) (empty where the padding is wider). */
interface ColumnRun {
  readonly iw0: number;
  readonly iw1: number;
  readonly bLo: number;
  readonly bHi: number;
}

function columnRuns(s: SmallConvInputGradShape): ColumnRun[] {
  const runs: ColumnRun[] = [];
  for (let iw = 0; iw < s.w; iw++) {
    const bLo = Math.max(0, iw + s.pl - s.ow + 1);
    const bHi = Math.max(bLo, Math.min(s.kw, iw + s.pl + 1));
    const last = runs[runs.length - 1];
    if (last && last.bLo === bLo && last.bHi === bHi) runs[runs.length - 1] = { ...last, iw1: iw + 1 };
    else runs.push({ iw0: iw, iw1: iw + 1, bLo, bHi });
  }
  return runs;
}

const P = { pdy: 0, pf: 1, pdx: 2, u0: 4, u1: 5 };
const L = {
  dyImg: 7,
  px: 8,
  ih: 9,
  aLo: 10,
  na: 11,
  rowDy: 12,
  rowW: 13,
  colDy: 14,
  colW: 15,
  pd: 16,
  pw: 17,
  a: 18,
  b: 19,
  block: 20,
};
const V0 = 21;

export function smallConvInputGradFunction(s: SmallConvInputGradShape): FunctionSpec {
  const { cin, cout } = s;
  const vectors = cout / 4;
  const passes = channelPasses(cin);
  const perPass = passes[0]!.size;
  const pixels = blockPixels(perPass);
  const acc = (p: number, j: number) => V0 + p * perPass + j;
  const dyv = (p: number) => V0 + pixels * perPass + p;
  const wv = V0 + pixels * perPass + pixels;
  const dyPixel = cout * 4;
  const wTap = cin * cout * 4;
  const dxPixel = cin * 4;
  const { b, e, addTo } = bodyEmitter();

  /** Stores pixel p's sums of channels [c0, c0 + size) at L.px, four at a time (dy locals free by now). */
  const store = (p: number, pass: { c0: number; size: number }) => {
    const groups = pass.size >= 4 ? coutVectors(pass.size).vecAt.map((at) => at / 4) : [0];
    const [u01, u23] = [dyv(0), wv];
    for (const g0 of groups) {
      const ch = (i: number) => acc(p, Math.min(pass.size - 1, g0 + i));
      const pairSum = (x: number, y: number, to: number) =>
        e(
          op.localGet(x),
          op.localGet(y),
          op.f32x4Shuffle([0, 4, 1, 5]),
          op.localGet(x),
          op.localGet(y),
          op.f32x4Shuffle([2, 6, 3, 7]),
          op.f32x4Add,
          op.localSet(to),
        );
      pairSum(ch(0), ch(1), u01);
      pairSum(ch(2), ch(3), u23);
      const sum: Bytes[] = [
        op.localGet(u01),
        op.localGet(u23),
        op.f32x4Shuffle([0, 1, 4, 5]),
        op.localGet(u01),
        op.localGet(u23),
        op.f32x4Shuffle([2, 3, 6, 7]),
        op.f32x4Add,
      ];
      const at = p * dxPixel + (pass.c0 + g0) * 4;
      if (pass.size >= 4) e(op.localGet(L.px), ...sum, op.v128Store(at));
      else {
        e(...sum, op.localSet(u01));
        for (let c = 0; c < pass.size; c++)
          e(op.localGet(L.px), op.localGet(u01), op.f32x4ExtractLane(c), op.f32Store(at + c * 4));
      }
    }
  };

  /** `count` pixels from L.px, taps b ∈ [bLo, bLo + nb) from L.colDy / L.colW; all three advanced. */
  const pixelBlock = (count: number, nb: number) => {
    for (const pass of passes) passBlock(count, nb, pass);
    addTo(L.px, count * dxPixel);
    addTo(L.colDy, count * dyPixel);
  };

  /** One pass of pixelBlock: the sums of channels [c0, c0 + size), stored; the pointers left as they were. */
  const passBlock = (count: number, nb: number, pass: { c0: number; size: number }) => {
    for (let p = 0; p < count; p++)
      for (let j = 0; j < pass.size; j++) e(op.v128Zero, op.localSet(acc(p, j)));
    e(op.localGet(L.colDy), op.localSet(L.pd), op.localGet(L.colW), op.localSet(L.pw));
    // The rows' taps: a ∈ [aLo, aLo + na), none where na ≤ 0.
    e(op.block, op.localGet(L.na), op.i32Const(0), op.i32GtS, op.i32Eqz, op.brIf(0));
    e(op.i32Const(0), op.localSet(L.a), op.loop);
    e(op.i32Const(0), op.localSet(L.b), op.loop);
    for (let v = 0; v < vectors; v++) {
      for (let p = 0; p < count; p++)
        e(op.localGet(L.pd), op.v128Load(p * dyPixel + v * 16), op.localSet(dyv(p)));
      for (let j = 0; j < pass.size; j++) {
        e(op.localGet(L.pw), op.v128Load((pass.c0 + j) * cout * 4 + v * 16), op.localSet(wv));
        for (let p = 0; p < count; p++) e(...f32x4MulAdd(acc(p, j), dyv(p), wv));
      }
    }
    addTo(L.pd, -dyPixel);
    addTo(L.pw, wTap);
    e(op.localGet(L.b), op.i32Const(1), op.i32Add, op.localTee(L.b));
    e(op.i32Const(nb), op.i32LtU, op.brIf(0), op.end);
    // Back to this block's column, one dy row up; the filter's next row of taps.
    addTo(L.pd, (nb - s.ow) * dyPixel);
    addTo(L.pw, (s.kw - nb) * wTap);
    e(op.localGet(L.a), op.i32Const(1), op.i32Add, op.localTee(L.a));
    e(op.localGet(L.na), op.i32LtU, op.brIf(0), op.end, op.end);
    for (let p = 0; p < count; p++) store(p, pass);
  };

  /** A run of columns whose window takes no dy pixel: zeros. */
  const zeros = (count: number) => {
    for (let p = 0; p < count; p++)
      for (let c = 0; c < cin; c++) e(op.localGet(L.px), op.f32Const(0), op.f32Store(p * dxPixel + c * 4));
    addTo(L.px, count * dxPixel);
  };

  const dyImage = s.oh * s.ow * dyPixel;
  const dxImage = s.h * s.w * dxPixel;
  const runs = columnRuns(s);
  emitUnitLoop(e, () => {
    e(
      op.localGet(P.pdy),
      op.localGet(P.u0),
      op.i32Const(dyImage),
      op.i32Mul,
      op.i32Add,
      op.localSet(L.dyImg),
    );
    e(op.localGet(P.pdx), op.localGet(P.u0), op.i32Const(dxImage), op.i32Mul, op.i32Add, op.localSet(L.px));
    e(op.i32Const(0), op.localSet(L.ih), op.loop);
    // aLo = max(0, ih + pt − oh + 1); na = min(kh, ih + pt + 1) − aLo.
    e(op.localGet(L.ih), op.i32Const(s.pt - s.oh + 1), op.i32Add, op.localSet(L.aLo));
    e(
      op.localGet(L.aLo),
      op.i32Const(0),
      op.localGet(L.aLo),
      op.i32Const(0),
      op.i32GtS,
      op.select,
      op.localSet(L.aLo),
    );
    e(op.localGet(L.ih), op.i32Const(s.pt + 1), op.i32Add, op.localSet(L.na));
    e(op.localGet(L.na), op.i32Const(s.kh), op.localGet(L.na), op.i32Const(s.kh), op.i32LtS, op.select);
    e(op.localGet(L.aLo), op.i32Sub, op.localSet(L.na));
    // dy's row for tap aLo (ih + pt − aLo) and the filter's row aLo.
    e(op.localGet(L.dyImg), op.localGet(L.ih), op.i32Const(s.pt), op.i32Add, op.localGet(L.aLo), op.i32Sub);
    e(op.i32Const(s.ow * dyPixel), op.i32Mul, op.i32Add, op.localSet(L.rowDy));
    e(
      op.localGet(P.pf),
      op.localGet(L.aLo),
      op.i32Const(s.kw * wTap),
      op.i32Mul,
      op.i32Add,
      op.localSet(L.rowW),
    );
    for (const run of runs) {
      const count = run.iw1 - run.iw0;
      const nb = run.bHi - run.bLo;
      if (nb === 0) {
        zeros(count);
        continue;
      }
      // dy's column for tap bLo of the run's first pixel (iw0 + pl − bLo), the filter's column bLo.
      e(op.localGet(L.rowDy), op.i32Const((run.iw0 + s.pl - run.bLo) * dyPixel), op.i32Add);
      e(op.localSet(L.colDy));
      e(op.localGet(L.rowW), op.i32Const(run.bLo * wTap), op.i32Add, op.localSet(L.colW));
      const full = Math.floor(count / pixels);
      if (full > 1) {
        e(op.i32Const(0), op.localSet(L.block), op.loop);
        pixelBlock(pixels, nb);
        e(op.localGet(L.block), op.i32Const(1), op.i32Add, op.localTee(L.block));
        e(op.i32Const(full), op.i32LtU, op.brIf(0), op.end);
      } else if (full === 1) pixelBlock(pixels, nb);
      if (count % pixels > 0) pixelBlock(count % pixels, nb);
    }
    e(op.localGet(L.ih), op.i32Const(1), op.i32Add, op.localTee(L.ih));
    e(op.i32Const(s.h), op.i32LtU, op.brIf(0), op.end);
  });
  return shapedGemmSpec(b, V0, pixels * perPass + pixels + 1);
}
