/** Joining tensors: concat along an existing axis, stack along a new one. Gradient: gradients/. */
import { ArgumentError, asOp, DTypeError, fmtShape, fmtValue, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import { normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { expandDims } from './reshape.js';
import { runKernel } from './run-kernel.js';

/** Attributes of a concat, as its gradient receives them. */
export interface ConcatAttrs {
  /** Each input's size along `axis`. */
  readonly sizes: readonly number[];
  readonly axis: number;
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  checkList('concat', xs);
  const first = xs[0];
  if (first.rank === 0) {
    throw new ShapeError('concat', 'cannot concatenate rank-0 tensors (they have no axis); use stack');
  }
  const a = normalizeAxis('concat', axis, first.rank);
  for (const t of xs) {
    if (t.dtype !== first.dtype)
      throw new DTypeError('concat', `dtypes ${first.dtype} and ${t.dtype} differ; expected one dtype`);
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        `shapes ${xs.map((u) => fmtShape(u.shape)).join(', ')} differ outside axis ${a}; expected equal sizes there`,
      );
    }
  }
  const sizes = xs.map((t) => t.shape[a]);
  const shape = first.shape.map((d, i) => (i === a ? sizes.reduce((p, q) => p + q, 0) : d));
  return runKernel({
    op: 'concat',
    inputs: xs,
    out: { shape, dtype: first.dtype },
    run: (backend, ks) => backend.concat(ks, a, { shape, dtype: first.dtype }),
    attrs: { sizes, axis: a } satisfies ConcatAttrs,
  });
}

/** A non-empty array of tensors. */
function checkList(op: string, xs: unknown): asserts xs is readonly Tensor[] {
  if (!Array.isArray(xs)) throw new ArgumentError(op, `expected an array of tensors, got ${fmtValue(xs)}`);
  if (xs.length === 0) throw new ArgumentError(op, 'needs at least one tensor');
  xs.forEach((t, i) => {
    checkTensor(op, `tensor ${i}`, t);
  });
}

/** Stacks equal-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  checkList('stack', xs);
  const rank = xs[0].rank + 1;
  const a = normalizeAxis('stack', axis, rank);
  for (const t of xs) {
    if (t.dtype !== xs[0].dtype)
      throw new DTypeError('stack', `dtypes ${xs[0].dtype} and ${t.dtype} differ; expected one dtype`);
    if (!shapesEqual(t.shape, xs[0].shape)) {
      throw new ShapeError(
        'stack',
        `shapes ${xs.map((u) => fmtShape(u.shape)).join(', ')} differ; expected equal shapes`,
      );
    }
  }
  return asOp('stack', () =>
    tidy(() =>
      concat(
        xs.map((t) => expandDims(t, a)),
        a,
      ),
    ),
  );
}
