/**
 * Splitting a data set by fractions (train / validation / test) and into k folds, after a seeded
 * shuffle, optionally stratified so that every part keeps the class proportions.
 */
import { ArgumentError, ShapeError } from '@dendrite/core';
import type { Dataset } from './dataset.js';
import { derivedRng, STREAM } from './random-streams.js';
import { Subset } from './subset.js';

export interface SplitOptions {
  /** Shuffle before splitting (default true). */
  readonly shuffle?: boolean;
  readonly seed?: number;
  /** One class label per sample: each part then holds (as near as can be) the same class proportions. */
  readonly stratify?: ArrayLike<number>;
}

/** Sizes proportional to `weights` summing to `total` (largest remainders get the leftovers). */
function apportion(weights: readonly number[], total: number): number[] {
  const exact = weights.map((w) => w * total);
  const sizes = exact.map(Math.floor);
  let left = total - sizes.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    sizes[i]++;
  }
  return sizes;
}

/** Sample indices in visiting order, grouped by class when stratifying (each group in visiting order). */
function orderAndGroups(
  op: string,
  n: number,
  options: SplitOptions,
): { order: Int32Array; groups: number[][] } {
  const shuffle = options.shuffle ?? true;
  const order = shuffle
    ? derivedRng(options.seed ?? 0, 0, STREAM.split).permutation(n)
    : Int32Array.from({ length: n }, (_, i) => i);
  const labels = options.stratify;
  if (!labels) return { order, groups: [Array.from(order)] };
  if (labels.length !== n) {
    throw new ShapeError(op, `stratify has ${labels.length} labels for a data set of ${n} samples`);
  }
  const byClass = new Map<number, number[]>();
  for (const i of order) {
    const group = byClass.get(labels[i]) ?? [];
    group.push(i);
    byClass.set(labels[i], group);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  return { order, groups: classes.map((c) => byClass.get(c)!) };
}

/** Subsets named like `fractions`, e.g. `{ train: 0.8, validation: 0.1, test: 0.1 }` (fractions sum to 1). */
export function splitDataset<T, K extends string>(
  dataset: Dataset<T>,
  fractions: Record<K, number>,
  options: SplitOptions = {},
): Record<K, Subset<T>> {
  const op = 'splitDataset';
  const names = Object.keys(fractions) as K[];
  const weights = names.map((k) => fractions[k]);
  if (names.length === 0) throw new ArgumentError(op, 'needs at least one named fraction');
  for (const [i, w] of weights.entries()) {
    if (!(Number.isFinite(w) && w >= 0))
      throw new ArgumentError(op, `fraction ${names[i]} = ${w} must be >= 0`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-6) {
    throw new ArgumentError(
      op,
      `fractions must sum to 1, got ${names.map((k, i) => `${k} ${weights[i]}`).join(' + ')} = ${total}`,
    );
  }
  const n = dataset.length;
  const { order, groups } = orderAndGroups(op, n, options);
  const part = new Int32Array(n);
  for (const group of groups) {
    let at = 0;
    apportion(weights, group.length).forEach((size, p) => {
      for (const i of group.slice(at, at + size)) part[i] = p;
      at += size;
    });
  }
  const indices = names.map(() => [] as number[]);
  for (const i of order) indices[part[i]].push(i);
  return Object.fromEntries(names.map((k, p) => [k, new Subset(dataset, indices[p])])) as Record<
    K,
    Subset<T>
  >;
}

export interface Fold<T> {
  readonly train: Subset<T>;
  readonly validation: Subset<T>;
}

/** `k` folds: fold i validates on the i-th part and trains on the others; every sample validates once. */
export function kFold<T>(dataset: Dataset<T>, k: number, options: SplitOptions = {}): Fold<T>[] {
  const op = 'kFold';
  const n = dataset.length;
  if (!(Number.isInteger(k) && k >= 2 && k <= n)) {
    throw new ArgumentError(op, `k must be an integer in [2, ${n}] for ${n} samples, got ${k}`);
  }
  const { order, groups } = orderAndGroups(op, n, options);
  const fold = new Int32Array(n);
  if (options.stratify) {
    // Deal each class's samples round the folds, continuing where the previous class stopped.
    let dealt = 0;
    for (const group of groups) for (const i of group) fold[i] = dealt++ % k;
  } else {
    let at = 0;
    apportion(new Array(k).fill(1 / k), n).forEach((size, f) => {
      for (const i of order.subarray(at, at + size)) fold[i] = f;
      at += size;
    });
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const validation: number[] = [];
    for (const i of order) (fold[i] === f ? validation : train).push(i);
    return { train: new Subset(dataset, train), validation: new Subset(dataset, validation) };
  });
}
