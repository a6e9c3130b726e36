/**
 * Copies that move whole runs: slice, concat, pad (non-float) and gather / scatter-add. The module has
 * no Slice or Concat kernel (tfjs does them in JavaScript too); its Gather and int/bool Pad compute index
 * vectors per element. Here every contiguous run is one `TypedArray.set` (a memcpy) on the heap views.
 */

type Arr = Float32Array | Int32Array | Uint8Array;

/** Strides of a row-major shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Calls `run(srcOffset, dstOffset)` for every contiguous run of a box `box` inside `shape` starting at
 * `begin`, where the destination is the box itself (row-major). Runs are `runLength` elements long.
 */
function forEachRun(
  shape: readonly number[],
  begin: readonly number[],
  box: readonly number[],
  run: (src: number, dst: number, length: number) => void,
): void {
  const r = shape.length;
  if (r === 0) {
    run(0, 0, 1);
    return;
  }
  // Trailing axes taken whole merge into the run.
  let inner = r - 1;
  let runLength = box[r - 1];
  while (inner > 0 && box[inner] === shape[inner]) {
    inner--;
    runLength *= box[inner];
  }
  if (runLength === 0) return;
  const strides = stridesOf(shape);
  let rows = 1;
  for (let i = 0; i < inner; i++) rows *= box[i];
  const idx = new Array<number>(inner).fill(0);
  let src = 0;
  for (let i = 0; i < r; i++) src += begin[i] * strides[i];
  for (let row = 0, dst = 0; row < rows; row++, dst += runLength) {
    run(src, dst, runLength);
    for (let ax = inner - 1; ax >= 0; ax--) {
      idx[ax]++;
      src += strides[ax];
      if (idx[ax] < box[ax]) break;
      src -= strides[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
}

export function sliceKernel(
  x: Arr,
  shape: readonly number[],
  begin: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  if (out.length === 0) return;
  forEachRun(shape, begin, outShape, (src, dst, n) => out.set(x.subarray(src, src + n), dst));
}

/** Writes `x` (shape `box`) into `out` (shape `shape`) at `begin`. */
export function placeKernel(
  x: Arr,
  box: readonly number[],
  out: Arr,
  shape: readonly number[],
  begin: readonly number[],
): void {
  if (x.length === 0) return;
  forEachRun(shape, begin, box, (dst, src, n) => out.set(x.subarray(src, src + n), dst));
}

export function concatKernel(
  xs: readonly { data: Arr; shape: readonly number[] }[],
  axis: number,
  out: Arr,
  outShape: readonly number[],
): void {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= outShape[i];
  let inner = 1;
  for (let i = axis + 1; i < outShape.length; i++) inner *= outShape[i];
  const outRow = outShape[axis] * inner;
  let offset = 0;
  for (const { data, shape } of xs) {
    const run = shape[axis] * inner;
    if (run > 0)
      for (let o = 0; o < outer; o++) out.set(data.subarray(o * run, (o + 1) * run), o * outRow + offset);
    offset += run;
  }
}

export function padKernel(
  x: Arr,
  shape: readonly number[],
  pads: readonly (readonly [number, number])[],
  value: number,
  out: Arr,
  outShape: readonly number[],
): void {
  out.fill(value);
  placeKernel(
    x,
    shape,
    out,
    outShape,
    pads.map((p) => p[0]),
  );
}

/** x [outer, n, inner] gathered at `indices` (all in range) into [outer, indices.length, inner]. */
export function gatherKernel(
  x: Arr,
  outer: number,
  n: number,
  inner: number,
  indices: Int32Array,
  out: Arr,
): void {
  const m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + indices[j]) * inner;
      const dst = (o * m + j) * inner;
      if (inner === 1) out[dst] = x[src];
      else out.set(x.subarray(src, src + inner), dst);
    }
  }
}

/** Adds `updates` [outer, m, inner] into the zeroed `out` [outer, n, inner] at `indices` (in range). */
export function scatterAddKernel(
  updates: Float32Array,
  outer: number,
  n: number,
  inner: number,
  indices: Int32Array,
  out: Float32Array,
): void {
  const m = indices.length;
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * n + indices[j]) * inner;
      const src = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += updates[src + i];
    }
  }
}
