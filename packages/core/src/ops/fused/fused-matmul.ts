/**
 * `activation(a @ b + bias)` in one op: the dense layer's forward pass, fusable by backends.
 * Gradient: gradients/fused/fused-matmul.grad.ts.
 */
import type { FusedActivation } from '../../backend.js';
import { fmtShape, ShapeError } from '../../errors.js';
import { broadcastShapes, type Shape, shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { checkBoolean, checkFloatTensor } from '../../validate.js';
import { add } from '../arithmetic.js';
import { matmul } from '../matmul.js';
import { runFused } from '../with-default.js';
import { activate, checkActivation } from './activation.js';

export interface FusedMatmulOptions {
  readonly bias?: Tensor | null;
  readonly activation?: FusedActivation;
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/** Attributes of fusedMatmul, as its gradient receives them. */
export interface FusedMatmulAttrs {
  readonly activation: FusedActivation;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** The bias's shape, when there is one (its gradient is summed back to it). */
  readonly biasShape: Shape | undefined;
}

export function fusedMatmul(a: Tensor, b: Tensor, options: FusedMatmulOptions = {}): Tensor {
  const op = 'fusedMatmul';
  checkFloatTensor(op, 'a', a);
  checkFloatTensor(op, 'b', b);
  const activation = checkActivation(op, options.activation);
  const tA = checkBoolean(op, 'transposeA', options.transposeA ?? false);
  const tB = checkBoolean(op, 'transposeB', options.transposeB ?? false);
  const bias = options.bias ?? null;
  if (bias !== null) checkFloatTensor(op, 'bias', bias);
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(
      'fusedMatmul',
      `operands must have rank >= 2, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  // Shape checks and the output shape come from matmul itself, run on the default path below; the fused
  // kernel path needs the shape up front.
  const m = tA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const n = tB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const ka = tA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const kb = tB ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  if (ka !== kb) {
    throw new ShapeError(
      op,
      `inner dimensions differ: ${fmtShape(a.shape)}${tA ? 'ᵀ' : ''} @ ${fmtShape(b.shape)}${tB ? 'ᵀ' : ''} gives K = ${ka} vs ${kb}`,
    );
  }
  const shape = [...broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
  // The bias broadcasts to the product; it may not grow it.
  if (bias && !shapesEqual(broadcastShapes(op, bias.shape, shape), shape)) {
    throw new ShapeError(
      op,
      `bias ${fmtShape(bias.shape)} does not broadcast to the product ${fmtShape(shape)}`,
    );
  }
  const inputs = bias ? [a, b, bias] : [a, b];
  const out = { shape, dtype: 'float32' as const };
  const biasShape = bias?.shape;
  return runFused({
    op: 'fusedMatmul',
    inputs,
    out,
    kernel: (backend) =>
      backend.fusedMatmul
        ? ([ka, kb, kbias]) => backend.fusedMatmul!(ka, kb, kbias ?? null, activation, tA, tB, out)
        : null,
    fallback: () => {
      const z = matmul(a, b, { transposeA: tA, transposeB: tB });
      return activate(bias ? add(z, bias) : z, activation);
    },
    attrs: { activation, transposeA: tA, transposeB: tB, biasShape } satisfies FusedMatmulAttrs,
  });
}
