/**
 * Layout arithmetic shared by export and import: Dendrite is channels-last (NHWC activations, HWIO
 * filters), ONNX channels-first (NCHW, OIHW). These helpers permute shapes, axes and host arrays.
 */

/** NHWC axis order as NCHW positions: physical = logical[NCHW_FROM_NHWC[i]]. */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

export const permuteShape = (shape: readonly number[], perm: readonly number[]): number[] =>
  perm.map((p) => shape[p]);

/** `data` of `shape` transposed by `perm` (row-major, any rank). */
export function permuteData<T extends Float32Array | Float64Array | Uint8Array>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): T {
  const rank = shape.length;
  const outShape = permuteShape(shape, perm);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const idx = new Array<number>(rank).fill(0);
  const stridesOut = perm.map((p) => inStrides[p]);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * stridesOut[d];
    out[o] = data[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** The inverse permutation. */
export const invertPerm = (perm: readonly number[]): number[] => {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
};

/**
 * Reorders the four gate blocks of an LSTM weight along `axis` (each `hidden` long): `order[k]` is the
 * source block of destination block k.
 */
export function reorderGates<T extends Float32Array>(
  data: T,
  shape: readonly number[],
  axis: number,
  hidden: number,
  order: readonly number[],
): T {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const block = hidden * inner;
  const along = shape[axis] * inner;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < order.length; k++) {
      const src = o * along + order[k] * block;
      out.set(data.subarray(src, src + block), o * along + k * block);
    }
  }
  return out;
}

/** Gate orders: Dendrite (and PyTorch) i, f, g, o; ONNX i, o, f, c. */
export const ONNX_FROM_DENDRITE_GATES = [0, 3, 1, 2] as const;
export const DENDRITE_FROM_ONNX_GATES = [0, 2, 3, 1] as const;
