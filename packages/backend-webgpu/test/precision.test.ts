// pow and batch norm to within a few float32 ulp of a float64 reference, on the adapter at hand. The
// adapter's exp2/log2, sqrt and division may be approximate (WGSL allows it; SwiftShader's pow built on
// them was 1e-2 off), so the kernels carry their intermediates in two floats; these tests hold them to it.
import * as d from '@dendrite/core';
import { expectNoLeak } from '@dendrite/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWebGPU } from './helpers.js';

const GPU = 'webgpu-precision';
beforeAll(async () => {
  await useWebGPU(GPU);
});

const ULP = 2 ** -23;

/** Elements of `got` more than `ulps` float32 ulp (relative) from `want`; NaN only where NaN, infinities equal. */
function ulpErrors(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  ulps: number,
  what: (i: number) => string,
) {
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const ok = Number.isNaN(w)
      ? Number.isNaN(g)
      : !Number.isFinite(w)
        ? g === w
        : Math.abs(g - w) <= ulps * ULP * Math.abs(w) || Object.is(g, w);
    if (!ok && bad.push(`${what(i)}: ${g}, want ${w}`) > 8) break;
  }
  return bad;
}

/** A deterministic spread of values in ±[lo, hi] (log-uniform magnitudes). */
function spread(n: number, lo: number, hi: number, seed: number, signed = true): number[] {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    return (s >>> 8) / 2 ** 24;
  };
  return Array.from({ length: n }, () => {
    const m = Math.fround(lo * (hi / lo) ** next());
    return signed && next() < 0.5 ? -m : m;
  });
}

async function gpuPow(a: number[], b: number[]): Promise<ArrayLike<number>> {
  let out: ArrayLike<number> = [];
  await expectNoLeak(async () => {
    const y = d.tidy(() => d.pow(d.tensor(a), d.tensor(b)));
    out = await y.data();
    y.dispose();
  });
  return out;
}

describe('pow', () => {
  it('positive bases over 40 orders of magnitude, fractional exponents: within 4 ulp of float64', async () => {
    const a = spread(4000, 1e-20, 1e20, 1, false);
    const b = spread(4000, 1e-3, 1.5, 2);
    const got = await gpuPow(a, b);
    // The float64 result rounded to float32: what backend-cpu returns.
    const want = a.map((x, i) => Math.fround(x ** b[i]));
    expect(ulpErrors(got, want, 4, (i) => `pow(${a[i]}, ${b[i]})`)).toEqual([]);
  });

  it('bases near 1 and large exponents (where log2 near 1 loses most): within 8 ulp', async () => {
    const a = spread(2000, 1e-7, 0.2, 3).map((v) => Math.fround(1 + v));
    const b = spread(2000, 1, 300, 4);
    const got = await gpuPow(a, b);
    const want = a.map((x, i) => Math.fround(x ** b[i]));
    // The relative error grows with |b · log2 a| (up to ~60 here): that of float32 itself.
    expect(ulpErrors(got, want, 8, (i) => `pow(${a[i]}, ${b[i]})`)).toEqual([]);
  });

  it('negative bases with integer exponents keep the sign of odd powers; fractional ones give NaN', async () => {
    const a = spread(1000, 0.01, 50, 5).map((v) => -Math.abs(v));
    const b = Array.from({ length: 1000 }, (_, i) => (i % 3 === 2 ? 0.5 + (i % 7) : (i % 25) - 12));
    const got = await gpuPow(a, b);
    const want = a.map((x, i) => Math.fround(x ** b[i]));
    expect(ulpErrors(got, want, 4, (i) => `pow(${a[i]}, ${b[i]})`)).toEqual([]);
  });

  it('small integer powers are products: exact for 2, within 1.5 ulp for 3 and 4', async () => {
    const a = spread(3000, 1e-9, 1e9, 6);
    const b = a.map((_, i) => [2, 3, 4][i % 3]);
    const got = await gpuPow(a, b);
    const want = a.map((x, i) => Math.fround(x ** b[i]));
    expect(ulpErrors(got, want, 1.5, (i) => `pow(${a[i]}, ${b[i]})`)).toEqual([]);
  });

  it('C99 / PyTorch special cases, overflow and underflow', async () => {
    const cases: [number, number, number][] = [
      [0, 0, 1],
      [Number.NaN, 0, 1],
      [1, Number.NaN, 1],
      [-1, Number.POSITIVE_INFINITY, 1],
      [-8, 1 / 3, Number.NaN],
      [-2, 3, -8],
      [-2, -3, -0.125],
      [-2, 2.5, Number.NaN],
      [0, -1, Number.POSITIVE_INFINITY],
      [-0, -1, Number.NEGATIVE_INFINITY],
      [-0, -2, Number.POSITIVE_INFINITY],
      [-0, 3, -0],
      [Number.NEGATIVE_INFINITY, 3, Number.NEGATIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, -3, -0],
      [Number.NEGATIVE_INFINITY, 0.5, Number.POSITIVE_INFINITY],
      [0.5, Number.POSITIVE_INFINITY, 0],
      [2, Number.NEGATIVE_INFINITY, 0],
      [2, 128, Number.POSITIVE_INFINITY],
      [2, 128.5, Number.POSITIVE_INFINITY],
      [2, 127.5, 2 ** 127.5],
      [2, -150, 0],
      [10, -45.5, 0],
      [1.0480472e-26, 3.0000001, 0], // 2^-258: found by the fuzz (2^n was built from an exponent out of range)
      [1e-26, -2.9, Number.POSITIVE_INFINITY],
      [3e-44, 1.8, 0],
      [3, 1e30, Number.POSITIVE_INFINITY],
      [0.3, 1e30, 0],
      [-3, 1e30, Number.POSITIVE_INFINITY], // 1e30 is an even integer in float32
      [1e-40, 0.5, Math.fround(Math.sqrt(Math.fround(1e-40)))], // a subnormal base, even where arithmetic flushes
      [2, 0.5, Math.fround(Math.SQRT2)],
      [7, 2, 49],
      [1e20, 2, Number.POSITIVE_INFINITY],
    ];
    const got = await gpuPow(
      cases.map((c) => c[0]),
      cases.map((c) => c[1]),
    );
    const want = cases.map((c) => Math.fround(c[2]));
    expect(ulpErrors(got, want, 2, (i) => `pow(${cases[i][0]}, ${cases[i][1]})`)).toEqual([]);
    // The sign of zero results: -0 where C99 says so.
    expect([got[11], got[13]].map((v) => Object.is(v, -0))).toEqual([true, true]);
  });
});

describe('batchNorm', () => {
  it('small eps, large scale: x * scale + shift cancels; rounded as float64 would, to one ulp', async () => {
    const c = 64;
    const rows = 32;
    const x = spread(rows * c, 1e-3, 3, 7);
    const mean = spread(c, 1e-3, 3, 8);
    const variance = spread(c, 1e-9, 1e-4, 9, false);
    const gamma = spread(c, 0.1, 3, 10);
    const beta = spread(c, 1e-3, 3, 11);
    const eps = 1e-5;
    let got: ArrayLike<number> = [];
    await expectNoLeak(async () => {
      const y = d.tidy(() =>
        d.batchNorm(
          d.tensor(x, [rows, c]),
          { mean: d.tensor(mean), variance: d.tensor(variance) },
          d.tensor(gamma),
          d.tensor(beta),
          eps,
        ),
      );
      got = await y.data();
      y.dispose();
    });
    // backend-cpu's float64 arithmetic on float32 scale and shift: the GPU must round as it does, to
    // within one ulp of the result, where plain float32 is off by ulps of the terms that cancel.
    const bad: string[] = [];
    let cancelled = 0;
    for (let i = 0; i < x.length; i++) {
      const k = i % c;
      const s = gamma[k] / Math.sqrt(variance[k] + eps);
      const scale = Math.fround(s);
      const shift = Math.fround(beta[k] - mean[k] * s);
      const want = Math.fround(x[i] * scale + shift);
      if (Math.abs(want) < 1e-3 * Math.abs(shift)) cancelled++;
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(want) || 2 ** -126)) - 23);
      if (Math.abs(got[i] - want) > ulp && bad.push(`[${i}] ${got[i]} vs ${want}`) > 8) break;
    }
    expect(cancelled).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });
});
