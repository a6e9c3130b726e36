/**
 * Batch normalisation over every axis but the last (channels), given the statistics to use. Training
 * passes the batch's own `moments`, so the gradient flows through them; evaluation passes running
 * statistics (constants); `batchNormTraining` is the first as one op. Gradients:
 * gradients/fused/batch-norm.grad.ts.
 */

import { noGrad } from '../../autograd/grad-mode.js';
import { ArgumentError, asOp, DTypeError, fmtShape, fmtValue, ShapeError } from '../../errors.js';
import { tidy } from '../../memory.js';
import { normalizeAxes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { checkFloatTensor, checkNumber, checkTensor } from '../../validate.js';
import { add, mul, sub } from '../arithmetic.js';
import { mean } from '../reduce.js';
import { reshape } from '../reshape.js';
import { rsqrt, square } from '../unary.js';
import { runFused } from '../with-default.js';

/** Mean and biased variance over `axes` (default: all but the last). */
export function moments(
  x: Tensor,
  axes?: readonly number[],
  keepdims = false,
): { mean: Tensor; variance: Tensor } {
  checkFloatTensor('moments', 'x', x);
  const ax = normalizeAxes('moments', axes ?? x.shape.slice(0, -1).map((_, i) => i), x.rank);
  return asOp('moments', () =>
    tidy(() => {
      const m = mean(x, ax, true);
      const variance = mean(square(sub(x, m)), ax, keepdims);
      return { mean: keepdims ? m : reshape(m, variance.shape), variance };
    }),
  );
}

/** Attributes of batchNorm, as its gradient receives them. */
export interface BatchNormAttrs {
  readonly eps: number;
  /** Every axis but the channel axis. */
  readonly reduceAxes: readonly number[];
}

/** `gamma * (x - mean) / sqrt(variance + eps) + beta` with per-channel `[C]` statistics and parameters. */
export function batchNorm(
  x: Tensor,
  stats: { mean: Tensor; variance: Tensor },
  gamma: Tensor,
  beta: Tensor,
  eps = 1e-5,
): Tensor {
  return normalize('batchNorm', x, stats, gamma, beta, eps);
}

/**
 * Training-mode batch normalisation: `batchNorm(x, moments(x), gamma, beta, eps)` as one op whose
 * gradient is the closed form through the batch statistics (PyTorch's), so the backward pass is a few
 * passes over x instead of the gradients of `moments`' ops and of the five inputs. Also returns the
 * batch's mean and biased variance (no gradient: for the running statistics).
 */
export function batchNormTraining(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps = 1e-5,
): { y: Tensor; mean: Tensor; variance: Tensor } {
  const op = 'batchNormTraining';
  checkFloatTensor(op, 'x', x);
  if (x.rank < 1) throw new ShapeError(op, `x ${fmtShape(x.shape)} has no channel axis; expected rank >= 1`);
  const stats = noGrad(() => asOp(op, () => moments(x)));
  try {
    return { y: normalize(op, x, stats, gamma, beta, eps), ...stats };
  } catch (e) {
    stats.mean.dispose();
    stats.variance.dispose();
    throw e;
  }
}

function normalize(
  op: 'batchNorm' | 'batchNormTraining',
  x: Tensor,
  stats: { mean: Tensor; variance: Tensor },
  gamma: Tensor,
  beta: Tensor,
  eps: number,
): Tensor {
  checkFloatTensor(op, 'x', x);
  if (x.rank < 1) throw new ShapeError(op, `x ${fmtShape(x.shape)} has no channel axis; expected rank >= 1`);
  checkNumber(op, 'eps', eps, { min: 0 });
  if (stats === null || typeof stats !== 'object') {
    throw new ArgumentError(op, `stats is ${fmtValue(stats)}; expected { mean, variance }`);
  }
  const c = x.shape[x.rank - 1];
  for (const [name, t] of [
    ['mean', stats.mean],
    ['variance', stats.variance],
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    checkTensor(op, name, t);
    if (t.dtype !== 'float32') throw new DTypeError(op, `${name} is ${t.dtype}; expected float32`);
    if (t.rank !== 1 || t.shape[0] !== c) {
      throw new ShapeError(
        op,
        `${name} ${fmtShape(t.shape)} must be [${c}], the channel axis of x ${fmtShape(x.shape)}`,
      );
    }
  }
  if (x.dtype !== 'float32') throw new DTypeError(op, `x is ${x.dtype}; expected float32`);
  const out = { shape: x.shape, dtype: 'float32' as const };
  const reduceAxes = x.shape.slice(0, -1).map((_, i) => i);
  return runFused({
    op,
    inputs: [x, stats.mean, stats.variance, gamma, beta],
    out,
    kernel: (b) =>
      b.batchNormApply ? ([kx, km, kv, kg, kb]) => b.batchNormApply!(kx, km, kv, kg, kb, eps, out) : null,
    fallback: () => add(mul(mul(sub(x, stats.mean), rsqrt(add(stats.variance, eps))), gamma), beta),
    attrs: { eps, reduceAxes } satisfies BatchNormAttrs,
  });
}
