/** Softmax and log-softmax along an axis (optional fused kernels; stable defaults). Gradients: gradients/. */
import { DTypeError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { sub } from './arithmetic.js';
import { logsumexp } from './reduce.js';
import { exp } from './unary.js';
import { runFused } from './with-default.js';

/** Attributes of softmax and log-softmax, as their gradients receive them. */
export interface SoftmaxAttrs {
  readonly axis: number;
}

function check(op: string, x: Tensor, axis: number): number {
  checkTensor(op, 'x', x);
  if (x.dtype !== 'float32') throw new DTypeError(op, `got ${x.dtype}${fmtShape(x.shape)}; expected float32`);
  return normalizeAxis(op, axis, x.rank);
}

/** `exp(x) / sum(exp(x))` along `axis` (default last). */
export function softmax(x: Tensor, axis = -1): Tensor {
  const a = check('softmax', x, axis);
  const out = { shape: x.shape, dtype: 'float32' as const };
  return runFused({
    op: 'softmax',
    inputs: [x],
    out,
    kernel: (b) => (b.softmax ? ([k]) => b.softmax!(k, a, out) : null),
    fallback: () => exp(sub(x, logsumexp(x, a, true))),
    attrs: { axis: a } satisfies SoftmaxAttrs,
  });
}

/** `x - logsumexp(x)` along `axis` (default last). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = check('logSoftmax', x, axis);
  const out = { shape: x.shape, dtype: 'float32' as const };
  return runFused({
    op: 'logSoftmax',
    inputs: [x],
    out,
    kernel: (b) => (b.logSoftmax ? ([k]) => b.logSoftmax!(k, a, out) : null),
    fallback: () => sub(x, logsumexp(x, a, true)),
    attrs: { axis: a } satisfies SoftmaxAttrs,
  });
}
