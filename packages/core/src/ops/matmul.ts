/** Batched matrix multiplication with transposes; the workhorse of dense layers. Gradient: gradients/. */
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkBoolean, checkTensor } from '../validate.js';
import { expandDims, squeeze } from './reshape.js';
import { runKernel } from './run-kernel.js';

/** Attributes of a matmul, as its gradient receives them. */
export interface MatmulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

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
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  const tA = checkBoolean('matmul', 'transposeA', options.transposeA ?? false);
  const tB = checkBoolean('matmul', 'transposeB', options.transposeB ?? false);
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
    attrs: { transposeA: tA, transposeB: tB } satisfies MatmulAttrs,
  });
}
