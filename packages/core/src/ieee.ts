/**
 * Elementwise functions whose JavaScript operator gives a different special value than C99 and
 * PyTorch, written once for every backend that computes in JavaScript.
 */

/**
 * `a ** b` with C99's (PyTorch's) answers where JavaScript's differ: pow(1, y) = 1 and pow(-1, ±Inf) = 1
 * for every y, NaN included (JavaScript gives NaN). pow(x, ±0) = 1 already holds in both.
 */
export function powC(a: number, b: number): number {
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b;
}

/** Whether `x` holds a NaN or a -0 (what a fast relu loses: PyTorch keeps both). */
export function hasNaNOrNegativeZero(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v) || Object.is(v, -0)) return true;
  }
  return false;
}

/** Whether `x` holds a NaN (kernels whose fast path loses NaN take a NaN-keeping one then). */
export function hasNaN(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) return true;
  return false;
}

/** Whether `x` holds a NaN or an infinity (a zero that multiplies one is NaN, not 0). */
export function hasNonFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return true;
  return false;
}
