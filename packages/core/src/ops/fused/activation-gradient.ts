/**
 * `dy · act'(z)` of a fused epilogue activation, expressed through its output `y` (so z need not be kept):
 * the first pass of fusedMatmul's and fusedConv2d's gradients, one kernel on backends that fuse it instead
 * of three elementwise passes. Gradient (for double backward): gradients/fused/activation-gradient.grad.ts.
 */
import type { FusedActivation } from '../../backend.js';
import { fmtShape, ShapeError } from '../../errors.js';
import { shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { checkFloatTensor } from '../../validate.js';
import { mul, sub } from '../arithmetic.js';
import { castTo } from '../cast.js';
import { greater, less, logicalAnd } from '../compare.js';
import { square } from '../unary.js';
import { runFused } from '../with-default.js';
import { checkActivation } from './activation.js';

/** The attribute the op's gradient reads. */
export interface FusedActivationGradAttrs {
  readonly activation: FusedActivation;
}

/**
 * relu: dy · (y > 0); relu6: dy · (0 < y < 6); sigmoid: dy · (y · (1 − y)); tanh: dy · (1 − y²); linear: dy
 * itself. `dy` and `y` have one shape.
 */
export function fusedActivationGrad(dy: Tensor, y: Tensor, activation: FusedActivation): Tensor {
  const op = 'fusedActivationGrad';
  checkFloatTensor(op, 'dy', dy);
  checkFloatTensor(op, 'y', y);
  const act = checkActivation(op, activation);
  if (!shapesEqual(dy.shape, y.shape)) {
    throw new ShapeError(op, `dy ${fmtShape(dy.shape)} and y ${fmtShape(y.shape)} must have one shape`);
  }
  if (act === 'linear') return dy;
  const out = { shape: dy.shape, dtype: 'float32' as const };
  return runFused({
    op,
    inputs: [dy, y],
    out,
    kernel: (b) => (b.fusedActivationGrad ? ([kd, ky]) => b.fusedActivationGrad!(kd, ky, act, out) : null),
    fallback: () => composedActivationGrad(dy, y, act),
    attrs: { activation: act } satisfies FusedActivationGradAttrs,
  });
}

/** The default, in elementwise ops (their order is the contract: a fused kernel rounds as these do). */
function composedActivationGrad(dy: Tensor, y: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return mul(dy, castTo(greater(y, 0), 'float32'));
    case 'relu6':
      return mul(dy, castTo(logicalAnd(greater(y, 0), less(y, 6)), 'float32'));
    case 'sigmoid':
      return mul(dy, mul(y, sub(1, y)));
    case 'tanh':
      return mul(dy, sub(1, square(y)));
  }
}
