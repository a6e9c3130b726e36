/** Axis permutation by an odometer over the output, with the input offset advanced incrementally. */
import { allocArray, type DataArray, type DType, type Shape } from '@dendrite/core';

function dtypeOf(x: DataArray): DType {
  return x instanceof Float32Array ? 'float32' : x instanceof Int32Array ? 'int32' : 'bool';
}

export function transpose(x: DataArray, shape: Shape, perm: readonly number[], outShape: Shape): DataArray {
  const r = shape.length;
  const out = allocArray(dtypeOf(x), x.length);
  if (x.length === 0) return out;
  const inStrides = new Array<number>(r);
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= shape[i];
  }
  // stride in the input of each output axis
  const s = perm.map((p) => inStrides[p]);
  if (r === 2 && perm[0] === 1) {
    // Plain matrix transpose, blocked for cache friendliness.
    const [rows, cols] = outShape;
    const B = 32;
    for (let i0 = 0; i0 < rows; i0 += B) {
      for (let j0 = 0; j0 < cols; j0 += B) {
        const iEnd = Math.min(i0 + B, rows);
        const jEnd = Math.min(j0 + B, cols);
        for (let i = i0; i < iEnd; i++) for (let j = j0; j < jEnd; j++) out[i * cols + j] = x[j * rows + i];
      }
    }
    return out;
  }
  const n = outShape[r - 1];
  const step = s[r - 1];
  const idx = new Array<number>(r).fill(0);
  let inOff = 0;
  for (let o = 0; o < out.length; o += n) {
    for (let j = 0, k = inOff; j < n; j++, k += step) out[o + j] = x[k];
    for (let ax = r - 2; ax >= 0; ax--) {
      idx[ax]++;
      inOff += s[ax];
      if (idx[ax] < outShape[ax]) break;
      inOff -= s[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  return out;
}
