import { describe, expect, it } from 'vitest';
import { Rng, threefry2x32 } from '../src/random.js';

describe('threefry2x32', () => {
  // Known-answer vectors from Random123's kat_vectors (threefry2x32, 20 rounds): counter, key -> output.
  const kat: [number[], number[], number[]][] = [
    [
      [0, 0],
      [0, 0],
      [0x6b200159, 0x99ba4efe],
    ],
    [
      [0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x1cb996fc, 0xbb002be7],
    ],
    [
      [0x243f6a88, 0x85a308d3],
      [0x13198a2e, 0x03707344],
      [0xc4923a9c, 0x483df7a0],
    ],
  ];
  it.each(kat)('matches Random123 for counter %j key %j', (ctr, key, expected) => {
    const out = new Uint32Array(2);
    threefry2x32(key[0], key[1], ctr[0], ctr[1], out, 0);
    expect([...out]).toEqual(expected);
  });
});

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect([...new Rng(42).bits(8)]).toEqual([...new Rng(42).bits(8)]);
    expect([...new Rng(42).bits(8)]).not.toEqual([...new Rng(43).bits(8)]);
  });

  it('draws the same values whether asked in one call or several (counter-based)', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const whole = a.bits(8);
    const parts = [...b.bits(4), ...b.bits(4)];
    expect(parts).toEqual([...whole]);
  });

  it('gives uniform values in [0, 1) with the right moments', () => {
    const u = new Rng(1).uniformValues(20000);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = u.reduce((s, v) => s + v, 0) / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('gives standard normal values with mean 0 and variance 1', () => {
    const z = new Rng(2).normalValues(20001);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('forks into independent, reproducible streams', () => {
    const a = new Rng(9).fork();
    const b = new Rng(9).fork();
    expect([...a.bits(4)]).toEqual([...b.bits(4)]);
    expect([...a.bits(4)]).not.toEqual([...new Rng(9).bits(4)]);
  });

  it('permutes 0..n-1', () => {
    const p = new Rng(3).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    expect([...p]).not.toEqual([...Array(100).keys()]);
  });
});
