/**
 * Batched matrix product on top of gemm. Batch axes broadcast NumPy-style; transposes are strides, never
 * copies. `matmulCalls` is the product's geometry (the gemms it is made of), which backend-cpu's threads
 * split. Rounding: gemm's (float64 within a depth block of 256, float32 between blocks).
 */
import { product } from '../geometry/axes.js';
import { broadcastStrides } from '../geometry/broadcast.js';
import { gemm } from './gemm.js';

/** One gemm of a batched product: `C[cOff…] += op(A)[aOff…] @ op(B)[bOff…]`, `m×k` times `k×n`. */
export interface GemmCall {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly aOff: number;
  readonly aRowStride: number;
  readonly aColStride: number;
  readonly bOff: number;
  readonly bRowStride: number;
  readonly bColStride: number;
  readonly cOff: number;
  readonly cRowStride: number;
}

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
  out: Float32Array,
): void {
  // Zeros, so gemm accumulates into it and an empty reduction (k = 0) is already right.
  out.fill(0);
  for (const g of matmulCalls(aShape, bShape, transposeA, transposeB, outShape)) {
    gemm(
      g.m,
      g.n,
      g.k,
      a,
      g.aOff,
      g.aRowStride,
      g.aColStride,
      b,
      g.bOff,
      g.bRowStride,
      g.bColStride,
      out,
      g.cOff,
      g.cRowStride,
      true,
    );
  }
}

/** The gemms that make up a batched product (none when the output is empty or K is 0). */
export function matmulCalls(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
  outShape: readonly number[],
): GemmCall[] {
  const rank = outShape.length;
  const m = outShape[rank - 2];
  const n = outShape[rank - 1];
  const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  let batch = 1;
  for (let i = 0; i < rank - 2; i++) batch *= outShape[i];
  if (batch * m * n === 0 || k === 0) return [];

  const aRowStride = transposeA ? 1 : k;
  const aColStride = transposeA ? m : 1;
  const bRowStride = transposeB ? 1 : n;
  const bColStride = transposeB ? k : 1;
  const strides = { aRowStride, aColStride, bRowStride, bColStride, cRowStride: n };
  const aMatrices = product(aShape) / (m * k);
  const bMatrices = product(bShape) / (k * n);

  // B shared by every batch and A stored untransposed: the batch folds into M, one large product.
  if (bMatrices === 1 && aMatrices === batch && !transposeA) {
    return [{ m: batch * m, n, k, aOff: 0, bOff: 0, cOff: 0, ...strides }];
  }
  // Per batch axis, each operand's stride in whole matrices (0 where it broadcasts).
  const batchRank = rank - 2;
  const outBatch = outShape.slice(0, batchRank);
  const aStrides = broadcastStrides(aShape.slice(0, -2), outBatch);
  const bStrides = broadcastStrides(bShape.slice(0, -2), outBatch);
  const calls: GemmCall[] = [];
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
    calls.push({ m, n, k, aOff: aIndex * m * k, bOff: bIndex * k * n, cOff: t * m * n, ...strides });
  }
  return calls;
}
