/** Clamping to a range. */
import { ArgumentError, asOp, DTypeError, fmtShape, fmtValue } from '../errors.js';
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, checkTensor } from '../validate.js';
import { maximum, minimum } from './arithmetic.js';
import { identity } from './reshape.js';

/** Clamps every element into `[lo, hi]`; the gradient is passed where the value was not clamped. */
export function clip(x: Tensor, lo: number | null, hi: number | null): Tensor {
  checkTensor('clip', 'x', x);
  if (lo !== null) checkNumber('clip', 'lo', lo, { nonFinite: true });
  if (hi !== null) checkNumber('clip', 'hi', hi, { nonFinite: true });
  if (Number.isNaN(lo) || Number.isNaN(hi)) {
    throw new ArgumentError(
      'clip',
      `bounds ${fmtValue(lo)}, ${fmtValue(hi)} must not be NaN (use null for no bound)`,
    );
  }
  if (x.dtype === 'bool')
    throw new DTypeError('clip', `got bool${fmtShape(x.shape)}; expected float32 or int32`);
  if (lo !== null && hi !== null && lo > hi)
    throw new ArgumentError('clip', `lo ${lo} is greater than hi ${hi}`);
  return asOp('clip', () =>
    tidy(() => {
      let y = lo === null ? identity(x) : maximum(x, lo);
      if (hi !== null) y = minimum(y, hi);
      return y;
    }),
  );
}
