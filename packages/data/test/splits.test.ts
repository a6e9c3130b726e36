import { ArgumentError, ShapeError } from '@dendrite/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayDataset, hostTensor, kFold, splitDataset } from '../src/index.js';

function indexSet(n: number): ArrayDataset<'i'> {
  return new ArrayDataset({
    i: hostTensor(
      Int32Array.from({ length: n }, (_, i) => i),
      [n],
    ),
  });
}

const sorted = (a: Iterable<number>) => [...a].sort((p, q) => p - q);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('splitDataset', () => {
  it('splits by fractions into disjoint parts that cover the set', () => {
    const { train, validation, test } = splitDataset(
      indexSet(100),
      { train: 0.7, validation: 0.2, test: 0.1 },
      { seed: 1 },
    );
    expect([train.length, validation.length, test.length]).toEqual([70, 20, 10]);
    expect(sorted([...train.indices, ...validation.indices, ...test.indices])).toEqual(range(100));
    expect(Array.from(train.indices)).not.toEqual(range(70)); // shuffled
  });

  it('is a function of its seed', () => {
    const a = splitDataset(indexSet(50), { train: 0.8, test: 0.2 }, { seed: 4 });
    const b = splitDataset(indexSet(50), { train: 0.8, test: 0.2 }, { seed: 4 });
    const c = splitDataset(indexSet(50), { train: 0.8, test: 0.2 }, { seed: 5 });
    expect(Array.from(b.test.indices)).toEqual(Array.from(a.test.indices));
    expect(Array.from(c.test.indices)).not.toEqual(Array.from(a.test.indices));
  });

  it('keeps order without shuffle and gives leftovers to the largest remainders', () => {
    const { a, b, c } = splitDataset(indexSet(10), { a: 0.45, b: 0.45, c: 0.1 }, { shuffle: false });
    expect([a.length, b.length, c.length]).toEqual([5, 4, 1]);
    expect(Array.from(a.indices)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(c.indices)).toEqual([9]);
  });

  it('keeps class proportions in every part when stratified', () => {
    const labels = range(90).map((i) => (i < 60 ? 0 : i < 80 ? 1 : 2)); // 60 / 20 / 10, sorted like Iris
    const { train, test } = splitDataset(
      indexSet(90),
      { train: 0.8, test: 0.2 },
      { seed: 2, stratify: labels },
    );
    const count = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => labels[i] === c).length;
    expect([0, 1, 2].map((c) => count(test.indices, c))).toEqual([12, 4, 2]);
    expect([0, 1, 2].map((c) => count(train.indices, c))).toEqual([48, 16, 8]);
  });

  it('holds for any sizes and fractions (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer(),
        (n, pct, seed) => {
          const { a, b } = splitDataset(indexSet(n), { a: pct / 100, b: 1 - pct / 100 }, { seed });
          expect(a.length + b.length).toBe(n);
          expect(Math.abs(a.length - (n * pct) / 100)).toBeLessThanOrEqual(1);
          expect(sorted([...a.indices, ...b.indices])).toEqual(range(n));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects fractions that do not sum to 1, negative ones, and mis-sized labels', () => {
    expect(() => splitDataset(indexSet(10), { train: 0.8, test: 0.1 })).toThrow(
      /fractions must sum to 1, got train 0.8 \+ test 0.1/,
    );
    expect(() => splitDataset(indexSet(10), { train: 1.2, test: -0.2 })).toThrow(ArgumentError);
    expect(() => splitDataset(indexSet(10), {})).toThrow(ArgumentError);
    expect(() => splitDataset(indexSet(10), { all: 1 }, { stratify: [0, 1] })).toThrow(ShapeError);
  });
});

describe('kFold', () => {
  it('gives k folds whose validation parts partition the set, each trained on the rest', () => {
    const folds = kFold(indexSet(23), 5, { seed: 9 });
    expect(folds).toHaveLength(5);
    expect(folds.map((f) => f.validation.length)).toEqual([5, 5, 5, 4, 4]);
    expect(sorted(folds.flatMap((f) => Array.from(f.validation.indices)))).toEqual(range(23));
    for (const f of folds) {
      expect(sorted([...f.train.indices, ...f.validation.indices])).toEqual(range(23));
    }
    expect(kFold(indexSet(23), 5, { seed: 9 }).map((f) => Array.from(f.validation.indices))).toEqual(
      folds.map((f) => Array.from(f.validation.indices)),
    );
  });

  it('stratifies folds by class', () => {
    const labels = range(30).map((i) => (i < 20 ? 0 : 1));
    for (const { validation } of kFold(indexSet(30), 5, { seed: 1, stratify: labels })) {
      const ones = Array.from(validation.indices).filter((i) => labels[i] === 1).length;
      expect([validation.length, ones]).toEqual([6, 2]);
    }
  });

  it('rejects k outside [2, n]', () => {
    expect(() => kFold(indexSet(5), 1)).toThrow(ArgumentError);
    expect(() => kFold(indexSet(5), 6)).toThrow(/k must be an integer in \[2, 5\] for 5 samples, got 6/);
  });
});
