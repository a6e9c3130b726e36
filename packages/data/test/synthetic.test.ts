import { ArgumentError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import {
  type ArrayDataset,
  addingProblem,
  blobs,
  circles,
  gaussianRing,
  gaussianRingCentres,
  moons,
  sineWave,
  twoSpirals,
  xor,
} from '../src/index.js';

/** Rows of a column: `[[...sample 0], [...sample 1], …]`. */
function rows(ds: ArrayDataset<'x' | 'y'>, key: 'x' | 'y' = 'x'): number[][] {
  const { data, shape } = ds.columns[key];
  const width = data.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
}
const labels = (ds: ArrayDataset<'x' | 'y'>) => Array.from(ds.columns.y.data);

const sets = {
  xor: (o: { size?: number; noise?: number; seed?: number }) => xor(o),
  twoSpirals,
  moons,
  circles,
  sineWave,
};

describe('synthetic sets: shapes, dtypes, seeding', () => {
  for (const [name, make] of Object.entries(sets)) {
    it(`${name}: size samples, float32 x, the same for the same seed, noise from the seed`, () => {
      const a = make({ size: 30, noise: 0.1, seed: 1 });
      expect(a.length).toBe(30);
      expect(a.columns.x.data).toBeInstanceOf(Float32Array);
      expect(rows(make({ size: 30, noise: 0.1, seed: 1 }))).toEqual(rows(a));
      expect(rows(make({ size: 30, noise: 0.1, seed: 2 }))).not.toEqual(rows(a));
      expect(() => make({ size: 0 })).toThrow(ArgumentError);
      expect(() => make({ noise: -1 })).toThrow(ArgumentError);
    });
  }

  it('random-only sets (blobs, adding problem, ring) are functions of their seed', () => {
    for (const make of [blobs, addingProblem, gaussianRing]) {
      const a = make({ size: 20, seed: 3 });
      expect(rows(make({ size: 20, seed: 3 }))).toEqual(rows(a));
      expect(rows(make({ size: 20, seed: 4 }))).not.toEqual(rows(a));
      expect(() => make({ size: -2 })).toThrow(ArgumentError);
    }
  });
});

describe('synthetic sets: geometry', () => {
  it('xor defaults to the truth table', () => {
    const ds = xor();
    expect(rows(ds)).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(labels(ds)).toEqual([0, 1, 1, 0]);
    expect(ds.columns.y.data).toBeInstanceOf(Int32Array);
  });

  it('twoSpirals: alternating classes, each point of spiral 1 the mirror of spiral 0, radii in (0, 1]', () => {
    const ds = twoSpirals({ size: 100, turns: 3 });
    const pts = rows(ds);
    expect(labels(ds).slice(0, 4)).toEqual([0, 1, 0, 1]);
    for (let i = 0; i < 100; i += 2) {
      expect(pts[i + 1][0]).toBeCloseTo(-pts[i][0], 6);
      expect(pts[i + 1][1]).toBeCloseTo(-pts[i][1], 6);
      const r = Math.hypot(pts[i][0], pts[i][1]);
      expect(r).toBeCloseTo((i / 2 + 1) / 50, 6);
      expect(Math.atan2(pts[i][1], pts[i][0])).toBeCloseTo(
        Math.atan2(Math.sin(6 * Math.PI * r), Math.cos(6 * Math.PI * r)),
        4,
      );
    }
  });

  it('moons: the two half circles of scikit-learn', () => {
    const ds = moons({ size: 50 });
    const ys = labels(ds);
    rows(ds).forEach(([x, y], i) => {
      if (ys[i] === 0) {
        expect(Math.hypot(x, y)).toBeCloseTo(1, 6);
        expect(y).toBeGreaterThanOrEqual(-1e-7);
      } else {
        expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 6);
        expect(y).toBeLessThanOrEqual(0.5 + 1e-7);
      }
    });
    expect(rows(ds)[0]).toEqual([1, 0]); // θ = 0 of the outer moon
  });

  it('circles: radius 1 for class 0 and factor for class 1', () => {
    const ds = circles({ size: 40, factor: 0.5 });
    const ys = labels(ds);
    rows(ds).forEach(([x, y], i) => {
      expect(Math.hypot(x, y)).toBeCloseTo(ys[i] === 0 ? 1 : 0.5, 6);
    });
    expect(() => circles({ factor: 1 })).toThrow(ArgumentError);
  });

  it('blobs: each cluster centred on its centre with the given spread', () => {
    const centres = [
      [0, 0, 0],
      [10, -5, 3],
    ];
    const ds = blobs({ size: 4000, centers: centres, std: 2, seed: 1 });
    expect(ds.columns.x.shape).toEqual([4000, 3]);
    const [points, ys] = [rows(ds), labels(ds)];
    for (const k of [0, 1]) {
      const members = points.filter((_, i) => ys[i] === k);
      expect(members).toHaveLength(2000);
      for (let f = 0; f < 3; f++) {
        const m = members.reduce((a, p) => a + p[f], 0) / members.length;
        const sd = Math.sqrt(members.reduce((a, p) => a + (p[f] - m) ** 2, 0) / members.length);
        expect(Math.abs(m - centres[k][f])).toBeLessThan(0.15);
        expect(Math.abs(sd - 2)).toBeLessThan(0.15);
      }
    }
    const drawn = blobs({ size: 30, centers: 5, features: 4, box: [0, 1] });
    expect(new Set(labels(drawn)).size).toBe(5);
    expect(drawn.columns.x.shape).toEqual([30, 4]);
    expect(() => blobs({ centers: [[0, 0], [1]] })).toThrow(ArgumentError);
  });

  it('sineWave: x [window, 1] and y [horizon] continue one sinusoid', () => {
    const ds = sineWave({ size: 10, window: 8, horizon: 3, seed: 2 });
    expect(ds.columns.x.shape).toEqual([10, 8, 1]);
    expect(ds.columns.y.shape).toEqual([10, 3]);
    const xs = rows(ds, 'x');
    const ys = rows(ds, 'y');
    for (let i = 0; i < 10; i++) {
      const s = [...xs[i], ...ys[i]];
      // A sinusoid obeys s[t+1] = 2 cos(ω) s[t] - s[t-1]; find cos(ω) from the start, check every step.
      const twoCos = (s[2] + s[0]) / s[1];
      expect(twoCos / 2).toBeGreaterThan(Math.cos(2 * Math.PI * 0.1) - 1e-3);
      for (let t = 1; t < s.length - 1; t++) expect(s[t + 1]).toBeCloseTo(twoCos * s[t] - s[t - 1], 4);
    }
  });

  it('addingProblem: two markers, one per half; the target is their sum; predicting 1 scores about 1/6', () => {
    const ds = addingProblem({ size: 2000, length: 50, seed: 1 });
    expect(ds.columns.x.shape).toEqual([2000, 50, 2]);
    expect(ds.columns.y.shape).toEqual([2000, 1]);
    let mse = 0;
    rows(ds).forEach((x, i) => {
      const marked = [];
      for (let t = 0; t < 50; t++) if (x[2 * t + 1] === 1) marked.push(t);
      expect(marked).toHaveLength(2);
      expect(marked[0]).toBeLessThan(25);
      expect(marked[1]).toBeGreaterThanOrEqual(25);
      const y = ds.columns.y.data[i];
      expect(y).toBeCloseTo(x[2 * marked[0]] + x[2 * marked[1]], 6);
      mse += (y - 1) ** 2 / 2000;
    });
    expect(mse).toBeGreaterThan(0.15);
    expect(mse).toBeLessThan(0.185);
    expect(() => addingProblem({ length: 1 })).toThrow(ArgumentError);
  });

  it('gaussianRing: 8 modes on a circle of radius 2, each sample near its mode', () => {
    const centres = gaussianRingCentres();
    expect(centres).toHaveLength(8);
    for (const [x, y] of centres) expect(Math.hypot(x, y)).toBeCloseTo(2, 12);
    const ds = gaussianRing({ size: 800, seed: 1 });
    expect(new Set(labels(ds)).size).toBe(8);
    const ys = labels(ds);
    rows(ds).forEach(([x, y], i) => {
      const [cx, cy] = centres[ys[i]];
      expect(Math.hypot(x - cx, y - cy)).toBeLessThan(0.02 * 6);
    });
    expect(gaussianRing({ modes: 5, radius: 1 }).columns.x.shape).toEqual([1000, 2]);
  });
});
