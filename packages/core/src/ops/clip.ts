/** Clamping to a range. */
import { ArgumentError } from '../errors.js';
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { maximum, minimum } from './arithmetic.js';
import { identity } from './reshape.js';

/** Clamps every element into `[lo, hi]`; the gradient is passed where the value was not clamped. */
export function clip(x: Tensor, lo: number | null, hi: number | null): Tensor {
  if (lo !== null && hi !== null && lo > hi)
    throw new ArgumentError('clip', `lo ${lo} is greater than hi ${hi}`);
  return tidy(() => {
    let y = lo === null ? identity(x) : maximum(x, lo);
    if (hi !== null) y = minimum(y, hi);
    return y;
  });
}
