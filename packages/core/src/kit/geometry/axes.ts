/**
 * Axis geometry: a tensor seen as `[outer, n, inner]` around one axis or a run of axes (reductions,
 * softmax, gather, concat), and transposes as simplified axis permutations.
 */
import type { Shape } from '../../shape.js';

/** Product of `xs[from..to)`. */
export function product(xs: readonly number[], from = 0, to = xs.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= xs[i];
  return p;
}

/** `shape` as `[outer, shape[axis], inner]`; a rank-0 shape is `[1, 1, 1]`. */
export function splitAt(shape: Shape, axis: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [product(shape, 0, axis), shape[axis], product(shape, axis + 1)];
}

/**
 * A reduction over `axes` (sorted, unique) as `[outer, reduced, inner]`. When the axes are not one
 * contiguous run, `perm` moves them last first (a transpose to `permuted`); otherwise `perm` is null and
 * the input is read in place. No axes: `reduced` is 1 (a copy).
 */
export interface ReductionLayout {
  readonly perm: number[] | null;
  /** The input's shape after `perm` (the input's own shape when `perm` is null). */
  readonly permuted: number[];
  readonly outer: number;
  readonly reduced: number;
  readonly inner: number;
}

export function reductionLayout(shape: Shape, axes: readonly number[]): ReductionLayout {
  if (axes.length === 0)
    return { perm: null, permuted: [...shape], outer: product(shape), reduced: 1, inner: 1 };
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last - first + 1 === axes.length) {
    return {
      perm: null,
      permuted: [...shape],
      outer: product(shape, 0, first),
      reduced: product(shape, first, last + 1),
      inner: product(shape, last + 1),
    };
  }
  const perm = [...shape.map((_, i) => i).filter((i) => !axes.includes(i)), ...axes];
  const permuted = perm.map((p) => shape[p]);
  const kept = shape.length - axes.length;
  return { perm, permuted, outer: product(permuted, 0, kept), reduced: product(permuted, kept), inner: 1 };
}

/**
 * The simplest (shape, perm) pair equivalent to transposing `shape` by `perm`: size-1 axes dropped and
 * input axes that stay neighbours merged, so most transposes become 2-D or batched 2-D.
 */
export function simplifyPermutation(
  shape: Shape,
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const keep = shape.map((d) => d !== 1);
  const renumber: number[] = [];
  let next = 0;
  for (let i = 0; i < shape.length; i++) renumber.push(keep[i] ? next++ : -1);
  const s1 = shape.filter((_, i) => keep[i]);
  const p1 = perm.filter((p) => keep[p]).map((p) => renumber[p]);
  // Merge runs p, p+1, … that appear in order in the permutation.
  const groups: number[][] = [];
  for (const p of p1) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1] + 1 === p) g.push(p);
    else groups.push([p]);
  }
  const order = groups.map((g) => g[0]).sort((a, b) => a - b);
  const newShape = order.map((first) =>
    product(s1, first, first + groups.find((g) => g[0] === first)!.length),
  );
  const newPerm = groups.map((g) => order.indexOf(g[0]));
  return { shape: newShape, perm: newPerm };
}

/** True for `[1, 0]` and `[0, 2, 1]`: a (batched) matrix transpose. */
export function isMatrixTranspose(perm: readonly number[]): boolean {
  return (
    (perm.length === 2 && perm[0] === 1) ||
    (perm.length === 3 && perm[0] === 0 && perm[1] === 2 && perm[2] === 1)
  );
}
