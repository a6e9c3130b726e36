/** Gather along an axis and its adjoint, scatter-add. Indices are checked here, where the data is. */
import { BackendError, type DataArray, type Shape } from '@dendrite/core';

function split(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

function checkIndex(op: string, v: number, n: number): void {
  if (v < 0 || v >= n) throw new BackendError(op, `index ${v} is out of range for an axis of size ${n}`);
}

export function gather(x: DataArray, shape: Shape, indices: Int32Array, axis: number, out: DataArray): void {
  const [outer, n, inner] = split(shape, axis);
  const m = indices.length;
  for (let k = 0; k < m; k++) checkIndex('gather', indices[k], n);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < m; k++) {
      const src = (o * n + indices[k]) * inner;
      out.set(x.subarray(src, src + inner), (o * m + k) * inner);
    }
  }
}

export function scatterAdd(
  updates: Float32Array,
  indices: Int32Array,
  axis: number,
  out: Float32Array,
  outShape: Shape,
): void {
  const [outer, n, inner] = split(outShape, axis);
  const m = indices.length;
  for (let k = 0; k < m; k++) checkIndex('scatterAdd', indices[k], n);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < m; k++) {
      const dst = (o * n + indices[k]) * inner;
      const src = (o * m + k) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += updates[src + i];
    }
  }
}
