/**
 * 2-D convolution (NHWC, HWIO filters, groups) and its two gradients.
 *
 * Each is a gemm per group over the output pixels of the whole batch:
 *   forward          y[pixels, Og]  = col[pixels, K] @ W[K, Og]
 *   backprop input   dcol[pixels, K] = dy[pixels, Og] @ W[K, Og]^T, scattered back into dx (col2im)
 *   backprop filter  dW[K, Og]      += col[pixels, K]^T @ dy[pixels, Og]
 * with K = kh*kw*Cg and col the im2col matrix, built a chunk of pixels at a time into a reused buffer that
 * stays cache-sized. 1×1 stride-1 unpadded convolutions need no col: x itself is the [pixels, C] matrix.
 * One input channel per group (depthwise, any multiplier) is too thin for gemm and runs as direct loops.
 *
 * Every function takes the geometry of geometry/window.ts (`convGeometry`) and writes into an output it
 * is given; the `…Pixels` / `…Rows` pieces are what backend-cpu's threads split a product into.
 * Rounding: gemm sums in float64 registers within a depth block of KC and in float32 between blocks
 * (gemm.ts); depthwise forward and filter gradient sum in float64 and round once; col2im adds in float32
 * in pixel order.
 */
import type { ConvGeometry } from '../geometry/window.js';
import { isDepthwise } from '../geometry/window.js';
import { gemm, MR } from './gemm.js';

type Geometry = ConvGeometry;

/** Target size, in floats, of one im2col chunk (512 KiB: written and read back while still in L2). */
const COL_CHUNK = 1 << 17;
/** Fewest pixels per chunk, so repacking the filter for every chunk stays a small cost. */
const MIN_CHUNK_ROWS = 64;

let colBuf = new Float32Array(0);
/** Below this many elements a run is copied element by element (a `set` call costs more). */
const SHORT_RUN = 16;

/** Columns of the im2col matrix (kh*kw*Cg): depth of the forward gemm, rows of the filter gradient. */
export function colWidth(g: Geometry): number {
  return g.kh * g.kw * g.cinG;
}

/** Pixels per im2col chunk: the chunk stays cache-sized. */
export function colRows(g: Geometry): number {
  return Math.min(g.n * g.oh * g.ow, Math.max(MIN_CHUNK_ROWS, Math.floor(COL_CHUNK / colWidth(g))));
}

/**
 * The end of the chunk of `rows` that starts at `start`, in a range ending at `end`: the last chunk absorbs
 * a remainder thinner than gemm's micro-tile. So every chunk of a range of at least MR rows takes gemm's
 * packed path, and an output row's value does not depend on how its range was cut into chunks.
 */
export function chunkEnd(start: number, rows: number, end: number): number {
  const next = start + rows;
  return end - next < MR ? end : next;
}

/** How many chunks `chunkEnd` cuts `[0, total)` into. */
export function chunkCount(total: number, rows: number): number {
  let count = Math.max(1, Math.ceil(total / rows));
  if (count > 1 && total - (count - 1) * rows < MR) count--;
  return count;
}

/** The reused im2col buffer, big enough for one chunk of `rows` (plus a merged tail) of `width` columns. */
function colBuffer(rows: number, width: number): Float32Array {
  const need = (rows + MR - 1) * width;
  if (colBuf.length < need) colBuf = new Float32Array(need);
  return colBuf;
}

/**
 * Walks output pixels `[p0, p1)` in the chunks `chunkEnd` cuts, handing each chunk's first pixel, its pixel
 * count and the reused im2col buffer (`width` columns) to `body`. One loop for the forward pass and both
 * gradients, so all three chunk exactly alike.
 */
function forEachColChunk(
  g: Geometry,
  width: number,
  p0: number,
  p1: number,
  body: (row0: number, rows: number, col: Float32Array) => void,
): void {
  const rows = colRows(g);
  const col = colBuffer(rows, width);
  for (let row0 = p0; row0 < p1; ) {
    const row1 = chunkEnd(row0, rows, p1);
    body(row0, row1 - row0, col);
    row0 = row1;
  }
}

/** `x` `[N, H, W, C]`, `filter` `[kh, kw, C/groups, O]` -> `[N, OH, OW, O]`. */
export function conv2d(x: Float32Array, filter: Float32Array, g: Geometry, y: Float32Array): void {
  const pixels = g.n * g.oh * g.ow;
  y.fill(0);
  if (y.length === 0 || g.cinG === 0) return;
  if (isDepthwise(g)) {
    depthwiseForward(x, filter, y, g);
    return;
  }
  if (g.pointwise) {
    for (let grp = 0; grp < g.groups; grp++) pointwiseForward(x, filter, y, g, grp, 0, pixels);
    return;
  }
  for (let grp = 0; grp < g.groups; grp++) forwardPixels(x, filter, y, g, grp, 0, pixels);
}

/** Output pixels `[p0, p1)` of group `grp` of a pointwise convolution: one gemm on x itself. */
export function pointwiseForward(
  x: Float32Array,
  filter: Float32Array,
  y: Float32Array,
  g: Geometry,
  grp: number,
  p0: number,
  p1: number,
): void {
  const { cin: c, cout: o, cinG: cg, coutG: og } = g;
  gemm(p1 - p0, og, cg, x, p0 * c + grp * cg, c, 1, filter, grp * og, o, 1, y, p0 * o + grp * og, o, true);
}

/** Output pixels `[p0, p1)` of group `grp` into `y` (which holds zeros there): im2col chunks, each a gemm. */
export function forwardPixels(
  x: Float32Array,
  filter: Float32Array,
  y: Float32Array,
  g: Geometry,
  grp: number,
  p0: number,
  p1: number,
): void {
  const { cout: o, coutG: og } = g;
  const k = colWidth(g);
  forEachColChunk(g, k, p0, p1, (row0, r, col) => {
    im2col(x, g, grp, row0, r, 0, k, col);
    gemm(r, og, k, col, 0, k, 1, filter, grp * og, o, 1, y, row0 * o + grp * og, o, true);
  });
}

/** Gradient with respect to x (the adjoint of conv2d in x): `dy` `[N, OH, OW, O]` -> `outShape` = x's. */
export function conv2dBackpropInput(
  dy: Float32Array,
  filter: Float32Array,
  g: Geometry,
  dx: Float32Array,
): void {
  const pixels = g.n * g.oh * g.ow;
  dx.fill(0);
  if (dx.length === 0 || pixels === 0 || g.coutG === 0) return;
  if (isDepthwise(g)) {
    depthwiseBackpropInput(dy, filter, dx, g);
    return;
  }
  if (g.pointwise) {
    for (let grp = 0; grp < g.groups; grp++) pointwiseBackpropInput(dy, filter, dx, g, grp, 0, pixels);
    return;
  }
  for (let grp = 0; grp < g.groups; grp++) backpropInputPixels(dy, filter, dx, g, grp, 0, pixels);
}

/** Pixels `[p0, p1)` of group `grp`'s input gradient of a pointwise convolution: one gemm into dx. */
export function pointwiseBackpropInput(
  dy: Float32Array,
  filter: Float32Array,
  dx: Float32Array,
  g: Geometry,
  grp: number,
  p0: number,
  p1: number,
): void {
  const { cin: c, cout: o, cinG: cg, coutG: og } = g;
  gemm(p1 - p0, cg, og, dy, p0 * o + grp * og, o, 1, filter, grp * og, 1, o, dx, p0 * c + grp * cg, c, true);
}

/**
 * Adds what output pixels `[p0, p1)` of group `grp` contribute to `dx`: a gemm per chunk gives its col
 * gradient, col2im scatters it back. Every dx element receives its terms in pixel order, however the
 * pixels are chunked, so ranges of whole images can go to different threads without changing a bit.
 */
export function backpropInputPixels(
  dy: Float32Array,
  filter: Float32Array,
  dx: Float32Array,
  g: Geometry,
  grp: number,
  p0: number,
  p1: number,
): void {
  const { cout: o, coutG: og } = g;
  const k = colWidth(g);
  forEachColChunk(g, k, p0, p1, (row0, r, col) => {
    gemm(r, k, og, dy, row0 * o + grp * og, o, 1, filter, grp * og, 1, o, col, 0, k, false);
    col2im(col, g, grp, row0, r, dx);
  });
}

/** Gradient with respect to the filter: `outShape` = the filter's `[kh, kw, C/groups, O]`. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, g: Geometry, dw: Float32Array): void {
  const pixels = g.n * g.oh * g.ow;
  dw.fill(0);
  if (dw.length === 0 || pixels === 0) return;
  if (isDepthwise(g)) {
    depthwiseBackpropFilter(x, dy, dw, g);
    return;
  }
  const k = colWidth(g);
  for (let grp = 0; grp < g.groups; grp++) {
    if (g.pointwise) pointwiseBackpropFilter(x, dy, dw, g, grp, 0, k);
    else backpropFilterRows(x, dy, dw, g, grp, 0, k);
  }
}

/** Rows `[k0, k1)` (input channels) of group `grp`'s filter gradient of a pointwise convolution. */
export function pointwiseBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  g: Geometry,
  grp: number,
  k0: number,
  k1: number,
): void {
  const { cin: c, cout: o, cinG: cg, coutG: og } = g;
  const pixels = g.n * g.oh * g.ow;
  gemm(k1 - k0, og, pixels, x, grp * cg + k0, 1, c, dy, grp * og, o, 1, dw, k0 * o + grp * og, o, true);
}

/**
 * Rows `[k0, k1)` of group `grp`'s filter gradient `dW[K, Og] += col^T @ dy`, summed over every pixel
 * chunk in order. The sum runs along the pixels, so threads split the rows of dW instead: the chunks, and
 * with them every element's order of summation, are the same as with one thread.
 */
export function backpropFilterRows(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  g: Geometry,
  grp: number,
  k0: number,
  k1: number,
): void {
  const { cout: o, coutG: og } = g;
  const pixels = g.n * g.oh * g.ow;
  const width = k1 - k0;
  forEachColChunk(g, width, 0, pixels, (row0, r, col) => {
    im2col(x, g, grp, row0, r, k0, k1, col);
    gemm(width, og, r, col, 0, 1, width, dy, row0 * o + grp * og, o, 1, dw, k0 * o + grp * og, o, true);
  });
}

/**
 * Rows `row0 .. row0+rows` (output pixels, batch-major) of group `grp`'s im2col matrix, columns
 * `[k0, k1)`, into `col` (row stride `k1 - k0`): output pixel (n, oy, ox) reads input pixels
 * (n, oy*sh - top + ky*dh, ox*sw - left + kx*dw), so its row holds them in (ky, kx, channel) order, the
 * filter's own order, with zeros where the window hangs over padding.
 */
export function im2col(
  x: Float32Array,
  g: Geometry,
  grp: number,
  row0: number,
  rows: number,
  k0: number,
  k1: number,
  col: Float32Array,
): void {
  const { h, w, cin: c, oh, ow, kh, kw, sh, sw, dh, dw, pt: padTop, pl: padLeft, cinG: cg } = g;
  const cOff = grp * cg;
  const whole = k0 === 0 && k1 === kh * kw * cg;
  let dst = 0;
  for (let r = 0; r < rows; r++) {
    const pixel = row0 + r;
    const ox = pixel % ow;
    const oy = ((pixel - ox) / ow) % oh;
    const n = (pixel - ox - oy * ow) / (ow * oh);
    const iy0 = oy * sh - padTop;
    const ix0 = ox * sw - padLeft;
    // One group and dilation 1 with the window row inside the image: the row's taps are one run of kw*c.
    const wholeRow = whole && cg === c && dw === 1 && ix0 >= 0 && ix0 + kw <= w;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky * dh;
      const rowBase = (n * h + iy) * w;
      const inRows = iy >= 0 && iy < h;
      if (wholeRow && inRows) {
        const run = kw * c;
        const src = (rowBase + ix0) * c;
        if (run < SHORT_RUN) for (let i = 0; i < run; i++) col[dst + i] = x[src + i];
        else col.set(x.subarray(src, src + run), dst);
        dst += run;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        // This tap's channels are columns [base, base + cg); copy the part inside [k0, k1).
        const base = (ky * kw + kx) * cg;
        const lo = whole ? 0 : Math.max(0, k0 - base);
        const hi = whole ? cg : Math.min(cg, k1 - base);
        if (lo >= hi) continue;
        const ix = ix0 + kx * dw;
        if (!inRows || ix < 0 || ix >= w) {
          for (let ci = lo; ci < hi; ci++) col[dst++] = 0;
          continue;
        }
        let src = (rowBase + ix) * c + cOff + lo;
        for (let ci = lo; ci < hi; ci++) col[dst++] = x[src++];
      }
    }
  }
}

/** The adjoint of im2col: adds every entry of `col` back onto the input pixel it was read from. */
export function col2im(
  col: Float32Array,
  g: Geometry,
  grp: number,
  row0: number,
  rows: number,
  dx: Float32Array,
): void {
  const { h, w, cin: c, oh, ow, kh, kw, sh, sw, dh, dw, pt: padTop, pl: padLeft, cinG: cg } = g;
  const cOff = grp * cg;
  let src = 0;
  for (let r = 0; r < rows; r++) {
    const pixel = row0 + r;
    const ox = pixel % ow;
    const oy = ((pixel - ox) / ow) % oh;
    const n = (pixel - ox - oy * ow) / (ow * oh);
    const iy0 = oy * sh - padTop;
    const ix0 = ox * sw - padLeft;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky * dh;
      if (iy < 0 || iy >= h) {
        src += kw * cg;
        continue;
      }
      const rowBase = (n * h + iy) * w;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (ix < 0 || ix >= w) {
          src += cg;
          continue;
        }
        let dst = (rowBase + ix) * c + cOff;
        for (let ci = 0; ci < cg; ci++) dx[dst++] += col[src++];
      }
    }
  }
}

// ─── Depthwise (one input channel per group, output channel ci*M + m) ─────────────────────────────────

/** One output pixel's channels, summed in float64 before the single rounding to float32. */
let pixelAcc = new Float64Array(0);

function depthwiseForward(x: Float32Array, filter: Float32Array, y: Float32Array, g: Geometry): void {
  const {
    n: batch,
    h,
    w,
    cin: c,
    oh,
    ow,
    cout: o,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    pt: padTop,
    pl: padLeft,
    coutG: mult,
  } = g;
  if (pixelAcc.length < o) pixelAcc = new Float64Array(o);
  const acc = pixelAcc;
  const padded = padTop > 0 || padLeft > 0 || g.pb > 0 || g.pr > 0;
  const padNaN = padded && !filter.every(Number.isFinite);
  let yi = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        acc.fill(0, 0, o);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky * dh;
          const inRow = iy >= 0 && iy < h;
          if (!inRow && !padNaN) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padLeft + kx * dw;
            if (!inRow || ix < 0 || ix >= w) {
              // A padding tap is a zero times the weight: NaN for a non-finite weight, as in PyTorch.
              if (padNaN)
                for (let oi = 0, f = (ky * kw + kx) * o; oi < o; oi++) acc[oi] += 0 * filter[f + oi];
              continue;
            }
            const xBase = ((n * h + iy) * w + ix) * c;
            const fBase = (ky * kw + kx) * o;
            if (mult === 1) {
              for (let ci = 0; ci < c; ci++) acc[ci] += x[xBase + ci] * filter[fBase + ci];
            } else {
              for (let ci = 0, oi = 0; ci < c; ci++) {
                const xv = x[xBase + ci];
                for (let m = 0; m < mult; m++, oi++) acc[oi] += xv * filter[fBase + oi];
              }
            }
          }
        }
        for (let oi = 0; oi < o; oi++) y[yi++] = acc[oi];
      }
    }
  }
}

export function depthwiseBackpropInput(
  dy: Float32Array,
  filter: Float32Array,
  dx: Float32Array,
  g: Geometry,
): void {
  const {
    n: batch,
    h,
    w,
    cin: c,
    oh,
    ow,
    cout: o,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    pt: padTop,
    pl: padLeft,
    coutG: mult,
  } = g;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const yBase = ((n * oh + oy) * ow + ox) * o;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padLeft + kx * dw;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((n * h + iy) * w + ix) * c;
            const fBase = (ky * kw + kx) * o;
            if (mult === 1) {
              for (let ci = 0; ci < c; ci++) dx[xBase + ci] += dy[yBase + ci] * filter[fBase + ci];
            } else {
              for (let ci = 0, oi = 0; ci < c; ci++) {
                let s = 0;
                for (let m = 0; m < mult; m++, oi++) s += dy[yBase + oi] * filter[fBase + oi];
                dx[xBase + ci] += s;
              }
            }
          }
        }
      }
    }
  }
}

/** Sums over every output pixel, so it accumulates in float64 and rounds once at the end. */
export function depthwiseBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  dwOut: Float32Array,
  g: Geometry,
): void {
  const {
    n: batch,
    h,
    w,
    cin: c,
    oh,
    ow,
    cout: o,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    pt: padTop,
    pl: padLeft,
    coutG: mult,
  } = g;
  const acc = new Float64Array(dwOut.length);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const yBase = ((n * oh + oy) * ow + ox) * o;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padLeft + kx * dw;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((n * h + iy) * w + ix) * c;
            const fBase = (ky * kw + kx) * o;
            if (mult === 1) {
              for (let ci = 0; ci < c; ci++) acc[fBase + ci] += x[xBase + ci] * dy[yBase + ci];
            } else {
              for (let ci = 0, oi = 0; ci < c; ci++) {
                const xv = x[xBase + ci];
                for (let m = 0; m < mult; m++, oi++) acc[fBase + oi] += xv * dy[yBase + oi];
              }
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) dwOut[i] = acc[i];
}
