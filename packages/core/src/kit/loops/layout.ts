/**
 * Copies that move boxes of elements: slice, concat, pad, and the general box copy under them. Every
 * contiguous run is one `TypedArray.set` (a memcpy), or a plain loop when short; trailing axes a box
 * takes whole merge into the run.
 * Copies: no rounding.
 */
import type { DataArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { offsetOf, stridesOf } from '../geometry/strides.js';

/**
 * Runs shorter than this are copied element by element: a `subarray` + `set` per run costs more than
 * the copy for the channel runs of an NHWC concat (DenseNet's 12 new channels per pixel).
 */
const SHORT_RUN = 64;

/**
 * Copies the box of `boxShape` starting at `srcBegin` in `src` (shape `srcShape`) to `dstBegin` in `dst`
 * (shape `dstShape`).
 */
export function copyBox(
  src: DataArray,
  srcShape: Shape,
  srcBegin: readonly number[],
  dst: DataArray,
  dstShape: Shape,
  dstBegin: readonly number[],
  boxShape: Shape,
): void {
  const r = boxShape.length;
  let count = 1;
  for (const d of boxShape) count *= d;
  if (count === 0) return;
  if (r === 0) {
    dst[0] = src[0];
    return;
  }
  // Trailing axes both arrays hold whole merge into one run.
  let inner = r - 1;
  let run = boxShape[r - 1];
  while (inner > 0 && boxShape[inner] === srcShape[inner] && boxShape[inner] === dstShape[inner]) {
    inner--;
    run *= boxShape[inner];
  }
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let so = offsetOf(srcBegin, ss);
  let doff = offsetOf(dstBegin, ds);
  const rows = count / run;
  const idx = new Array<number>(inner).fill(0);
  for (let k = 0; k < rows; k++) {
    if (run < SHORT_RUN) for (let j = 0; j < run; j++) dst[doff + j] = src[so + j];
    else dst.set(src.subarray(so, so + run), doff);
    for (let ax = inner - 1; ax >= 0; ax--) {
      idx[ax]++;
      so += ss[ax];
      doff += ds[ax];
      if (idx[ax] < boxShape[ax]) break;
      so -= ss[ax] * idx[ax];
      doff -= ds[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}

/** `out` = the box of `outShape` at `begin` in `x`. */
export function slice(
  x: DataArray,
  shape: Shape,
  begin: readonly number[],
  out: DataArray,
  outShape: Shape,
): void {
  copyBox(
    x,
    shape,
    begin,
    out,
    outShape,
    outShape.map(() => 0),
    outShape,
  );
}

/** Writes the whole of `x` (shape `box`) into `out` (shape `outShape`) at `begin`. */
export function place(
  x: DataArray,
  box: Shape,
  out: DataArray,
  outShape: Shape,
  begin: readonly number[],
): void {
  copyBox(
    x,
    box,
    box.map(() => 0),
    out,
    outShape,
    begin,
    box,
  );
}

/** Joins `xs` along `axis` into `out`: per input, `outer` runs of `shape[axis] * inner` elements. */
export function concat(
  xs: readonly { data: DataArray; shape: Shape }[],
  axis: number,
  out: DataArray,
  outShape: Shape,
): void {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= outShape[i];
  let inner = 1;
  for (let i = axis + 1; i < outShape.length; i++) inner *= outShape[i];
  const outRow = outShape[axis] * inner;
  let offset = 0;
  for (const { data, shape } of xs) {
    const run = shape[axis] * inner;
    if (run >= SHORT_RUN) {
      for (let o = 0; o < outer; o++) out.set(data.subarray(o * run, (o + 1) * run), o * outRow + offset);
    } else {
      for (let o = 0, from = 0, to = offset; o < outer; o++, from += run, to += outRow) {
        for (let j = 0; j < run; j++) out[to + j] = data[from + j];
      }
    }
    offset += run;
  }
}

/** Constant padding: `out` filled with `value` (already an element of the dtype), `x` placed at the pads. */
export function pad(
  x: DataArray,
  shape: Shape,
  pads: readonly (readonly [number, number])[],
  value: number,
  out: DataArray,
  outShape: Shape,
): void {
  out.fill(value);
  place(
    x,
    shape,
    out,
    outShape,
    pads.map((p) => p[0]),
  );
}
