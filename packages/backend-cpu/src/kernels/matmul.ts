/**
 * Batched matrix product on top of gemm. Batch axes broadcast NumPy-style; transposes are strides, never
 * copies.
 */
import { gemm } from './gemm.js';

/**
 * `a` is `[...batchA, M, K]` (`[..., K, M]` when `transposeA`), `b` is `[...batchB, K, N]` (`[..., N, K]`
 * when `transposeB`); `outShape` is `[...batch, M, N]` with `batch` the broadcast of both batch shapes.
 */
export function matmul(
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
  outShape: readonly number[],
): Float32Array {
  const rank = outShape.length;
  const m = outShape[rank - 2];
  const n = outShape[rank - 1];
  const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  let batch = 1;
  for (let i = 0; i < rank - 2; i++) batch *= outShape[i];
  // Fresh zeros, so gemm accumulates into it and an empty reduction (k = 0) is already right.
  const out = new Float32Array(batch * m * n);
  if (out.length === 0 || k === 0) return out;

  const aRowStride = transposeA ? 1 : k;
  const aColStride = transposeA ? m : 1;
  const bRowStride = transposeB ? 1 : n;
  const bColStride = transposeB ? k : 1;
  const aStrides = batchStrides(aShape, outShape);
  const bStrides = batchStrides(bShape, outShape);
  const aMatrices = a.length / (m * k);
  const bMatrices = b.length / (k * n);

  // B shared by every batch and A stored untransposed: the batch folds into M, one large product.
  if (bMatrices === 1 && aMatrices === batch && !transposeA) {
    gemm(batch * m, n, k, a, 0, k, 1, b, 0, bRowStride, bColStride, out, 0, n, true);
    return out;
  }
  const batchRank = rank - 2;
  for (let t = 0; t < batch; t++) {
    let aIndex = 0;
    let bIndex = 0;
    let rest = t;
    for (let ax = batchRank - 1; ax >= 0; ax--) {
      const i = rest % outShape[ax];
      rest = (rest - i) / outShape[ax];
      aIndex += i * aStrides[ax];
      bIndex += i * bStrides[ax];
    }
    gemm(
      m,
      n,
      k,
      a,
      aIndex * m * k,
      aRowStride,
      aColStride,
      b,
      bIndex * k * n,
      bRowStride,
      bColStride,
      out,
      t * m * n,
      n,
      true,
    );
  }
  return out;
}

/** Per batch axis of `outShape`, the operand's stride in whole matrices; 0 where it broadcasts. */
function batchStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const batchRank = outShape.length - 2;
  const own = shape.length - 2;
  const strides = new Array<number>(batchRank).fill(0);
  let acc = 1;
  for (let i = own - 1; i >= 0; i--) {
    const ax = batchRank - own + i;
    if (shape[i] !== 1) strides[ax] = acc;
    acc *= shape[i];
  }
  return strides;
}
