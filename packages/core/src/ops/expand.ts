/** Broadcasting to a bigger shape, and tiling built on it. Gradient: gradients/layout.grad.ts. */
import { ArgumentError, asOp, fmtShape, fmtValue, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import { broadcastShapes, checkShape, type Shape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { identity, type ReshapeAttrs, reshape } from './reshape.js';
import { runKernel } from './run-kernel.js';

/** `x` broadcast (NumPy rules) to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor('broadcastTo', 'x', x);
  checkShape('broadcastTo', shape);
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(target, shape)) {
    throw new ShapeError('broadcastTo', `cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  }
  if (shapesEqual(x.shape, shape)) return identity(x);
  const attrs: ReshapeAttrs = { inShape: x.shape };
  return runKernel({
    op: 'broadcastTo',
    inputs: [x],
    out: { shape, dtype: x.dtype },
    run: (backend, [k]) => backend.expand(k, { shape, dtype: x.dtype }),
    attrs,
  });
}

/** Alias of `broadcastTo` (PyTorch's name). */
export const expand = broadcastTo;

/** Repeats `x` `reps[i]` times along axis i (reps may be longer than the rank: leading axes are added). */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor('tile', 'x', x);
  if (!Array.isArray(reps) || reps.some((r) => !Number.isSafeInteger(r) || r < 0)) {
    throw new ArgumentError('tile', `reps ${fmtValue(reps)} must be non-negative integers`);
  }
  if (reps.length < x.rank) {
    throw new ArgumentError('tile', `reps has ${reps.length} entries; expected at least the rank ${x.rank}`);
  }
  const shape = [...new Array(reps.length - x.rank).fill(1), ...x.shape];
  // [a, b] tiled [r, s] = broadcast [1, a, 1, b] to [r, a, s, b], then merge pairs of axes.
  const interleaved = shape.flatMap((d) => [1, d]);
  const expanded = shape.flatMap((d, i) => [reps[i], d]);
  checkShape(
    'tile',
    shape.map((d, i) => d * reps[i]),
    'output shape',
  );
  return asOp('tile', () =>
    tidy(() =>
      reshape(
        broadcastTo(reshape(x, interleaved), expanded),
        shape.map((d, i) => d * reps[i]),
      ),
    ),
  );
}
