/** Gradient of batched matmul with transposes (also the core of fusedMatmul's gradient). */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { type MatmulAttrs, matmul } from '../ops/matmul.js';
import { sumTo } from '../ops/reduce.js';
import type { Tensor } from '../tensor.js';

/**
 * Gradients of `y = op(A) @ op(B)` for `A` and `B` given `dy`, derived case by case so that no explicit
 * transpose is ever needed; summed back over broadcast batch axes.
 */
export function matmulGrads(
  dy: Tensor,
  a: Tensor,
  b: Tensor,
  tA: boolean,
  tB: boolean,
  needed: readonly boolean[],
): [Tensor | null, Tensor | null] {
  const mm = (p: Tensor, q: Tensor, transposeA: boolean, transposeB: boolean) =>
    matmul(p, q, { transposeA, transposeB });
  const dA = !needed[0]
    ? null
    : tA
      ? tB
        ? mm(b, dy, true, true)
        : mm(b, dy, false, true)
      : mm(dy, b, false, !tB);
  const dB = !needed[1]
    ? null
    : tB
      ? tA
        ? mm(dy, a, true, true)
        : mm(dy, a, true, false)
      : mm(a, dy, !tA, false);
  return [dA && sumTo(dA, a.shape), dB && sumTo(dB, b.shape)];
}

export const matmulGradients: readonly GradientConfig[] = [
  {
    op: 'matmul',
    grad: (dy, [a, b], _y, needed, { transposeA, transposeB }: MatmulAttrs) =>
      matmulGrads(dy, a, b, transposeA, transposeB, needed),
  },
];
