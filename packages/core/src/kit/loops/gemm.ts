/**
 * Single-precision general matrix product, the engine under matmul and convolution:
 *
 *   C[m, n] = op(A) @ op(B)   (or += when `accumulate`)
 *
 * Every operand is addressed by offset and strides, so transposes, column slices (convolution groups) and
 * im2col views need no copy: element (i, p) of op(A) is `a[aOff + i * aRowStride + p * aColStride]`.
 *
 * Goto/BLIS scheme: a KC×NC panel of B is packed into NR-wide slivers and an MC×KC block of A into MR-tall
 * slivers, both contiguous in the order the micro-kernel reads them; the 4×4 micro-kernel keeps its 16
 * accumulators in locals, which V8 holds in registers as doubles. Packing also absorbs every stride, so the
 * hot loop only ever walks two contiguous buffers. Operands thinner than a micro-tile skip packing.
 *
 * Index arithmetic in hot loops is written `(x + y) | 0`: the values always fit in int32 and the `| 0`
 * lets V8 drop its overflow checks.
 *
 * What threads rely on: an element of C is summed in the same order whatever m is (the blocking of m only
 * decides which elements are computed together), so the rows of a product can be split between threads
 * without changing a bit, provided every piece keeps at least MR rows and so stays on the packed path.
 */

/** Rows of the micro-tile. A product with fewer rows than this takes the unpacked path. */
export const MR = 4;
/** Columns of the micro-tile: as many as its rows, so one packSlivers packs both operands. */
const NR = MR;
/** Depth of a packed block: a KC×NR sliver of B (4 KiB) stays in L1 while the A block streams past it. */
const KC = 256;
/** Rows of a packed A block: MC×KC floats (96 KiB) stay in L2. */
const MC = 96;
/** Columns of a packed B panel (4 MiB at most), so huge N does not need a huge buffer. */
const NC = 4096;

// Packing buffers, grown on demand and reused: a JavaScript realm runs one gemm at a time.
let aPack: Float32Array = new Float32Array(MC * KC);
let bPack: Float32Array = new Float32Array(NR * KC);
/** A partial edge tile goes through here, so the micro-kernel's full-tile store stays branch-free. */
const edgeTile = new Float64Array(MR * NR);
/** One float64 row of C for the thin-product path, so its running sums do not round to float32. */
let rowAcc = new Float64Array(64);

/**
 * `C = op(A) @ op(B)`, or `C += …` when `accumulate`, with op(A) `m×k`, op(B) `k×n` and
 * `op(A)(i, p) = a[aOff + i*aRowStride + p*aColStride]`, `op(B)(p, j) = b[bOff + p*bRowStride + j*bColStride]`,
 * `C(i, j) = c[cOff + i*cRowStride + j]`. Only that m×n block of `c` is written. `c` must not overlap `a` or `b`.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  aRowStride: number,
  aColStride: number,
  b: Float32Array,
  bOff: number,
  bRowStride: number,
  bColStride: number,
  c: Float32Array,
  cOff: number,
  cRowStride: number,
  accumulate: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (!accumulate) {
    for (let i = 0; i < m; i++) c.fill(0, cOff + i * cRowStride, cOff + i * cRowStride + n);
  }
  if (k === 0) return;
  if (m < MR || n < NR) {
    gemmThin(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, cRowStride);
    return;
  }
  // Equal-sized blocks: a short tail block would run the micro-kernel on a short loop.
  const kc0 = Math.ceil(k / Math.ceil(k / KC));
  const mc0 = Math.ceil(m / Math.ceil(m / MC));
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kc0) {
      const kc = Math.min(kc0, k - pc);
      // Slivers are packed to an even depth (one zero step in A and B where kc is odd), so the
      // micro-kernel's two-step loop has no tail: a tail loop, once it has run, slows V8's code for
      // the whole kernel (a 64³ product 145 → 155 µs). 0·0 = +0 leaves every sum exactly as it was.
      const kp = (kc + 1) & ~1;
      bPack = packSlivers(b, bOff + pc * bRowStride + jc * bColStride, bColStride, bRowStride, nc, kc, bPack);
      for (let ic = 0; ic < m; ic += mc0) {
        const mc = Math.min(mc0, m - ic);
        aPack = packSlivers(
          a,
          aOff + ic * aRowStride + pc * aColStride,
          aRowStride,
          aColStride,
          mc,
          kc,
          aPack,
        );
        const ap = aPack;
        const bp = bPack;
        const cBlock = cOff + ic * cRowStride + jc;
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const cTile = cBlock + ir * cRowStride + jr;
            microKernel(kp, ap, ir * kp, bp, jr * kp, c, cTile, cRowStride, mc - ir, nr);
          }
        }
      }
    }
  }
}

/**
 * Packs `extent` values across by `kc` deep into slivers 4 across (MR = NR), each kc steps of 4
 * contiguous values (and a zero step where kc is odd, see gemm), zero-padded past `extent`; value
 * (across t, depth p) is `src[off + t·across + p·deep]`. op(B) packs with across = its column stride,
 * op(A) with across = its row stride. A full sliver is copied four values per step with no inner loop:
 * on a 64³ product that halves packing's time. Returns `buf`, or a larger one if it was too small.
 */
function packSlivers(
  src: Float32Array,
  off: number,
  across: number,
  deep: number,
  extent: number,
  kc: number,
  buf: Float32Array,
): Float32Array {
  const need = Math.ceil(extent / 4) * 4 * ((kc + 1) & ~1);
  const out = buf.length < need ? new Float32Array(need) : buf;
  let w = 0;
  for (let t0 = 0; t0 < extent; t0 += 4) {
    const width = Math.min(4, extent - t0);
    let at = off + t0 * across;
    if (width === 4) {
      const across2 = 2 * across;
      const across3 = 3 * across;
      for (let p = 0; p < kc; p++) {
        out[w] = src[at];
        out[(w + 1) | 0] = src[(at + across) | 0];
        out[(w + 2) | 0] = src[(at + across2) | 0];
        out[(w + 3) | 0] = src[(at + across3) | 0];
        w = (w + 4) | 0;
        at = (at + deep) | 0;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        let t = 0;
        for (; t < width; t++) out[w++] = src[at + t * across];
        for (; t < 4; t++) out[w++] = 0;
        at += deep;
      }
    }
    if (kc & 1) for (let t = 0; t < 4; t++) out[w++] = 0;
  }
  return out;
}

/**
 * C[0:mr, 0:nr] += (packed A sliver) @ (packed B sliver) over kc steps; `mr` may exceed MR (the caller
 * passes the rows left in the block), only the first MR rows are touched.
 */
function microKernel(
  kc: number,
  ap: Float32Array,
  aI: number,
  bp: Float32Array,
  bI: number,
  c: Float32Array,
  cI: number,
  crs: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  // Two steps per pass (kc is even, see gemm): the loop's own compare, branch and index updates are a
  // large part of so short a body (a 64³ product: 146 against 127 µs). Each sum still runs in order of p.
  for (let p = 0; p < kc; p += 2) {
    let a0 = ap[aI];
    let a1 = ap[(aI + 1) | 0];
    let a2 = ap[(aI + 2) | 0];
    let a3 = ap[(aI + 3) | 0];
    let b0 = bp[bI];
    let b1 = bp[(bI + 1) | 0];
    let b2 = bp[(bI + 2) | 0];
    let b3 = bp[(bI + 3) | 0];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    aI = (aI + MR) | 0;
    bI = (bI + NR) | 0;
    a0 = ap[aI];
    a1 = ap[(aI + 1) | 0];
    a2 = ap[(aI + 2) | 0];
    a3 = ap[(aI + 3) | 0];
    b0 = bp[bI];
    b1 = bp[(bI + 1) | 0];
    b2 = bp[(bI + 2) | 0];
    b3 = bp[(bI + 3) | 0];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    aI = (aI + MR) | 0;
    bI = (bI + NR) | 0;
  }
  if (mr >= MR && nr === NR) {
    c[cI] += c00;
    c[cI + 1] += c01;
    c[cI + 2] += c02;
    c[cI + 3] += c03;
    cI += crs;
    c[cI] += c10;
    c[cI + 1] += c11;
    c[cI + 2] += c12;
    c[cI + 3] += c13;
    cI += crs;
    c[cI] += c20;
    c[cI + 1] += c21;
    c[cI + 2] += c22;
    c[cI + 3] += c23;
    cI += crs;
    c[cI] += c30;
    c[cI + 1] += c31;
    c[cI + 2] += c32;
    c[cI + 3] += c33;
    return;
  }
  const t = edgeTile;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
  t[12] = c30;
  t[13] = c31;
  t[14] = c32;
  t[15] = c33;
  const rows = Math.min(mr, MR);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < nr; j++) c[cI + i * crs + j] += t[i * NR + j];
  }
}

/**
 * Unpacked product for operands thinner than a micro-tile, where packing would waste most of the
 * micro-kernel's work on zero padding. Picks the loop order that reads B contiguously.
 */
function gemmThin(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  ars: number,
  acs: number,
  b: Float32Array,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float32Array,
  cOff: number,
  crs: number,
): void {
  if (bcs === 1 && n >= NR) {
    // Rows of B are contiguous: accumulate a whole row of C, four rows of B per pass (axpy form).
    if (rowAcc.length < n) rowAcc = new Float64Array(n);
    const acc = rowAcc;
    for (let i = 0; i < m; i++) {
      acc.fill(0, 0, n);
      const aRow = aOff + i * ars;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const a0 = a[aRow + p * acs];
        const a1 = a[aRow + (p + 1) * acs];
        const a2 = a[aRow + (p + 2) * acs];
        const a3 = a[aRow + (p + 3) * acs];
        const r0 = bOff + p * brs;
        const r1 = r0 + brs;
        const r2 = r1 + brs;
        const r3 = r2 + brs;
        for (let j = 0; j < n; j++) {
          acc[j] += a0 * b[(r0 + j) | 0] + a1 * b[(r1 + j) | 0] + a2 * b[(r2 + j) | 0] + a3 * b[(r3 + j) | 0];
        }
      }
      for (; p < k; p++) {
        const ap = a[aRow + p * acs];
        const r = bOff + p * brs;
        for (let j = 0; j < n; j++) acc[j] += ap * b[(r + j) | 0];
      }
      const cRow = cOff + i * crs;
      for (let j = 0; j < n; j++) c[cRow + j] += acc[j];
    }
    return;
  }
  // Otherwise dot products along k, four partial sums to hide the add latency.
  for (let i = 0; i < m; i++) {
    const aRow = aOff + i * ars;
    const cRow = cOff + i * crs;
    for (let j = 0; j < n; j++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let ai = aRow;
      let bi = bOff + j * bcs;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 += a[ai] * b[bi];
        s1 += a[ai + acs] * b[bi + brs];
        s2 += a[ai + 2 * acs] * b[bi + 2 * brs];
        s3 += a[ai + 3 * acs] * b[bi + 3 * brs];
        ai += 4 * acs;
        bi += 4 * brs;
      }
      for (; p < k; p++) {
        s0 += a[ai] * b[bi];
        ai += acs;
        bi += brs;
      }
      c[cRow + j] += s0 + s1 + s2 + s3;
    }
  }
}
