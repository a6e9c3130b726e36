/** Batched matrix multiplication with transposes; the workhorse of dense layers. */
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumTo } from './reduce.js';
import { expandDims, squeeze } from './reshape.js';
import { runKernel } from './run-kernel.js';

export interface MatmulOptions {
  /** Transpose the last two axes of `a` before the product. */
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/**
 * `a @ b` over the last two axes, batch axes broadcast (NumPy's matmul). A 1-D operand is a vector: `a`
 * becomes a row, `b` a column, and that axis is dropped from the result.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const tA = options.transposeA ?? false;
  const tB = options.transposeB ?? false;
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      'matmul',
      `operands must have rank >= 1, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  if (a.rank === 1 || b.rank === 1) {
    return tidy(() => {
      const a2 = a.rank === 1 ? expandDims(a, 0) : a;
      const b2 = b.rank === 1 ? expandDims(b, -1) : b;
      const y = matmul(a2, b2, {
        transposeA: a.rank === 1 ? false : tA,
        transposeB: b.rank === 1 ? false : tB,
      });
      const drop = [...(a.rank === 1 ? [y.rank - 2] : []), ...(b.rank === 1 ? [y.rank - 1] : [])];
      return squeeze(y, drop);
    });
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new DTypeError(
      'matmul',
      `got ${a.dtype}${fmtShape(a.shape)} @ ${b.dtype}${fmtShape(b.shape)}; expected float32`,
    );
  }
  const [m, ka] = tA
    ? [a.shape[a.rank - 1], a.shape[a.rank - 2]]
    : [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [kb, n] = tB
    ? [b.shape[b.rank - 1], b.shape[b.rank - 2]]
    : [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  if (ka !== kb) {
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: ${fmtShape(a.shape)}${tA ? 'ᵀ' : ''} @ ${fmtShape(b.shape)}${tB ? 'ᵀ' : ''} gives K = ${ka} vs ${kb}`,
    );
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  return runKernel({
    op: 'matmul',
    inputs: [a, b],
    out: { shape, dtype: 'float32' },
    run: (backend, [ka_, kb_]) => backend.matmul(ka_, kb_, tA, tB, { shape, dtype: 'float32' }),
    grad: (dy, [x, w], _y, needed) => matmulGrads(dy, x, w, tA, tB, needed),
  });
}

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
