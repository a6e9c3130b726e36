/** Slicing and splitting. Gradient: gradients/layout.grad.ts. */
import { ArgumentError, asOp, fmtShape, fmtValue } from '../errors.js';
import { normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, checkTensor } from '../validate.js';
import { runKernel } from './run-kernel.js';

/** Attributes of a slice, as its gradient receives them (all resolved: non-negative, full rank). */
export interface SliceAttrs {
  readonly begin: readonly number[];
  readonly size: readonly number[];
  readonly inShape: Shape;
}

/**
 * The box starting at `begin` (negative counts from the end) of `size` (-1: to the end) on every axis.
 * `begin`/`size` may be shorter than the rank: the remaining axes are taken whole.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  checkTensor('slice', 'x', x);
  if (!Array.isArray(begin) || (size !== undefined && !Array.isArray(size))) {
    throw new ArgumentError('slice', `begin ${fmtValue(begin)} and size ${fmtValue(size)} must be arrays`);
  }
  if (begin.length > x.rank || (size && size.length !== begin.length)) {
    throw new ArgumentError(
      'slice',
      `begin [${begin.join(', ')}] / size [${size?.join(', ') ?? ''}] do not fit a tensor of rank ${x.rank}`,
    );
  }
  const b = x.shape.map((d, i) => {
    const v = begin[i] ?? 0;
    return v < 0 ? v + d : v;
  });
  const s = x.shape.map((d, i) => {
    const v = size?.[i] ?? -1;
    return v === -1 ? d - b[i] : v;
  });
  for (let i = 0; i < x.rank; i++) {
    if (
      !Number.isInteger(b[i]) ||
      !Number.isInteger(s[i]) ||
      b[i] < 0 ||
      s[i] < 0 ||
      b[i] + s[i] > x.shape[i]
    ) {
      throw new ArgumentError(
        'slice',
        `begin ${fmtValue(begin)}, size ${fmtValue(size ?? [])} fall outside ${fmtShape(x.shape)} on axis ${i}`,
      );
    }
  }
  const attrs: SliceAttrs = { begin: b, size: s, inShape: x.shape };
  return runKernel({
    op: 'slice',
    inputs: [x],
    out: { shape: s, dtype: x.dtype },
    run: (backend, [k]) => backend.slice(k, b, { shape: s, dtype: x.dtype }),
    attrs,
  });
}

/** Splits along `axis` into pieces of the given sizes, or into `n` equal pieces. */
export function split(x: Tensor, sizesOrCount: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', 'x', x);
  const a = normalizeAxis('split', axis, x.rank);
  const d = x.shape[a];
  let sizes: number[];
  if (typeof sizesOrCount === 'number') {
    checkNumber('split', 'count', sizesOrCount, { integer: true, min: 1 });
    if (d % sizesOrCount !== 0) {
      throw new ArgumentError(
        'split',
        `axis ${a} of ${fmtShape(x.shape)} does not split into ${sizesOrCount} equal parts`,
      );
    }
    sizes = new Array(sizesOrCount).fill(d / sizesOrCount);
  } else {
    if (!Array.isArray(sizesOrCount) || sizesOrCount.some((n) => !Number.isSafeInteger(n) || n < 0)) {
      throw new ArgumentError(
        'split',
        `sizes ${fmtValue(sizesOrCount)} must be a count or an array of non-negative integers`,
      );
    }
    sizes = [...sizesOrCount];
    if (sizes.reduce((p, q) => p + q, 0) !== d) {
      throw new ArgumentError(
        'split',
        `sizes [${sizes.join(', ')}] do not add up to ${d} (axis ${a} of ${fmtShape(x.shape)})`,
      );
    }
  }
  let offset = 0;
  return asOp('split', () =>
    sizes.map((n) => {
      const begin = x.shape.map(() => 0);
      const size = x.shape.map(() => -1);
      begin[a] = offset;
      size[a] = n;
      offset += n;
      return slice(x, begin, size);
    }),
  );
}
