/** Joining tensors: concat along an existing axis, stack along a new one. Gradient: gradients/. */
import { ArgumentError, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { tidy } from '../memory.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expandDims } from './reshape.js';
import { runKernel } from './run-kernel.js';

/** Attributes of a concat, as its gradient receives them. */
export interface ConcatAttrs {
  /** Each input's size along `axis`. */
  readonly sizes: readonly number[];
  readonly axis: number;
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('concat', 'needs at least one tensor');
  const first = xs[0];
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

/** Stacks equal-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ArgumentError('stack', 'needs at least one tensor');
  const rank = xs[0].rank + 1;
  const a = normalizeAxis('stack', axis, rank);
  return tidy(() =>
    concat(
      xs.map((t) => expandDims(t, a)),
      a,
    ),
  );
}
