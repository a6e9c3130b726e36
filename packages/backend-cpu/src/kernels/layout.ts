/** Copy kernels that move boxes of elements: slice, concat, pad. Each copies whole inner rows. */
import { type DataArray, type Shape, stridesOf } from '@dendrite/core';

/**
 * Copies the box of `boxShape` starting at `srcBegin` in `src` to `dstBegin` in `dst`, row by row along
 * the last axis (a `subarray` + `set` per row).
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
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let so = 0;
  let doff = 0;
  for (let i = 0; i < r; i++) {
    so += srcBegin[i] * ss[i];
    doff += dstBegin[i] * ds[i];
  }
  const n = boxShape[r - 1];
  const rows = count / n;
  const idx = new Array<number>(r).fill(0);
  for (let k = 0; k < rows; k++) {
    dst.set(src.subarray(so, so + n), doff);
    for (let ax = r - 2; ax >= 0; ax--) {
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

export function concat(
  xs: readonly { data: DataArray; shape: Shape }[],
  axis: number,
  out: DataArray,
  outShape: Shape,
): void {
  let offset = 0;
  for (const { data, shape } of xs) {
    const at = outShape.map((_, i) => (i === axis ? offset : 0));
    copyBox(
      data,
      shape,
      shape.map(() => 0),
      out,
      outShape,
      at,
      shape,
    );
    offset += shape[axis];
  }
}

export function pad(
  x: DataArray,
  shape: Shape,
  pads: readonly (readonly [number, number])[],
  value: number,
  out: DataArray,
  outShape: Shape,
): void {
  out.fill(value);
  copyBox(
    x,
    shape,
    shape.map(() => 0),
    out,
    outShape,
    pads.map((p) => p[0]),
    shape,
  );
}
