/**
 * Batched matmul (optionally with bias and activation fused into the store) on the GEMM template:
 * transposed operands are read in place by the loads, broadcast batch axes through collapsed batch
 * strides computed once per invocation.
 */
import type { FusedActivation, Shape } from '@dendrite/core';
import { broadcastStrides, collapseStrides, product } from '@dendrite/core/kit';
import type { UniformField } from '../runtime/program.js';
import { chooseGemm, gemmProgram } from './gemm.js';
import { activationExpr, MATH_FNS } from './math.js';
import { axesKind, offsetsCode } from './strided.js';

export function matmulProgram(
  a: Shape,
  b: Shape,
  ta: boolean,
  tb: boolean,
  out: Shape,
  bias: Shape | null,
  activation: FusedActivation,
) {
  const r = out.length;
  const [M, N] = [out[r - 2], out[r - 1]];
  const K = ta ? a[a.length - 2] : a[a.length - 1];
  const batchOut = out.slice(0, r - 2);
  const batches = product(batchOut);
  // Batch strides in matrices of each operand, then scaled to elements.
  const sa = broadcastStrides(a.slice(0, a.length - 2), batchOut).map((s) => s * M * K);
  const sb = broadcastStrides(b.slice(0, b.length - 2), batchOut).map((s) => s * K * N);
  const c = collapseStrides(batchOut, [sa, sb]);
  const rank = c.shape.length;
  let biasInfo = '';
  const values: Record<string, number | number[]> = {
    bshape: c.shape,
    st_a: c.strides[0],
    st_b: c.strides[1],
  };
  const extra: UniformField[] = [
    { name: 'bshape', kind: axesKind(rank) },
    { name: 'st_a', kind: axesKind(rank) },
    { name: 'st_b', kind: axesKind(rank) },
  ];
  let biasRank = 0;
  if (bias) {
    // The bias broadcasts against [...batch, M, N]: strides over (flat batch, m, n).
    const bs = broadcastStrides(bias, out);
    const bc = collapseStrides(out, [bs]);
    biasRank = bc.shape.length;
    extra.push({ name: 'oshape', kind: axesKind(biasRank) }, { name: 'st_bias', kind: axesKind(biasRank) });
    values.oshape = bc.shape;
    values.st_bias = bc.strides[0];
    biasInfo = `let flat = batch * u.M * u.N + m * u.N + n;
  ${offsetsCode('flat', biasRank, ['bias'], 'oshape')}
  v = v + Bias[off_bias];`;
  }
  // Tiled products read rows of A and B four floats at a time where rows are whole vec4s.
  const variant = chooseGemm(M, N);
  const a4 = variant === 'tiled' && !ta && K % 4 === 0;
  const b4 = variant === 'tiled' && !tb && N % 4 === 0;
  const bindings = [
    { name: 'A', type: a4 ? ('vec4<f32>' as const) : ('f32' as const) },
    { name: 'B', type: b4 ? ('vec4<f32>' as const) : ('f32' as const) },
    ...(bias ? [{ name: 'Bias', type: 'f32' as const }] : []),
    { name: 'Y', type: 'f32' as const, write: true },
  ];
  return gemmProgram(
    {
      key: `matmul:${ta}:${tb}:r${rank}:bias${bias ? biasRank : '-'}:${activation}`,
      bindings,
      uniforms: extra,
      values,
      M,
      N,
      K,
      batches,
      aKFast: !ta,
      bNFast: !tb,
      vec4A: a4,
      vec4B: b4,
      setup: `${offsetsCode('batch', rank, ['a', 'b'], 'bshape')}
  baseA = off_a;
  baseB = off_b;
  outBase = batch * u.M * u.N;
  curBatch = batch;`,
      functions: `${MATH_FNS}
var<private> baseA: u32;
var<private> baseB: u32;
var<private> outBase: u32;
var<private> curBatch: u32;
${
  a4
    ? 'fn loadA4(m: u32, k: u32) -> vec4<f32> { return A[(baseA + m * u.K + k) / 4u]; }'
    : `fn loadA(m: u32, k: u32) -> f32 { return A[baseA + ${ta ? 'k * u.M + m' : 'm * u.K + k'}]; }`
}
${
  b4
    ? 'fn loadB4(k: u32, n: u32) -> vec4<f32> { return B[(baseB + k * u.N + n) / 4u]; }'
    : `fn loadB(k: u32, n: u32) -> f32 { return B[baseB + ${tb ? 'n * u.K + k' : 'k * u.N + n'}]; }`
}
fn store(m: u32, n: u32, acc: f32) {
  var v = acc;
  let batch = curBatch;
  ${biasInfo}
  Y[outBase + m * u.N + n] = ${activationExpr(activation, 'v')};
}`,
    },
    variant,
  );
}
