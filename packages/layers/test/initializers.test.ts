import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  constant,
  fansOf,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  initialize,
  lecunNormal,
  lecunUniform,
  ones,
  smallRandom,
  zeros,
} from '../src/index.js';
import { expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

const moments = (v: number[]) => {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
};

describe('initializers', () => {
  it('derive fans from the library’s layouts', () => {
    expect(fansOf([30, 20])).toEqual({ fanIn: 30, fanOut: 20 });
    expect(fansOf([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(fansOf([7])).toEqual({ fanIn: 7, fanOut: 7 });
  });

  const shape = [3, 3, 40, 60];
  const { fanIn, fanOut } = fansOf(shape);
  const uniforms = [
    ['glorotUniform', glorotUniform, Math.sqrt(6 / (fanIn + fanOut))],
    ['heUniform', heUniform, Math.sqrt(6 / fanIn)],
    ['lecunUniform', lecunUniform, Math.sqrt(3 / fanIn)],
    ['smallRandom(0.01)', smallRandom(0.01), 0.01],
  ] as const;
  for (const [name, init, limit] of uniforms) {
    it(`${name} draws uniformly within ±${limit.toPrecision(3)}`, async () => {
      await expectNoLeak(async () => {
        using t = initialize(init, shape, new d.Rng(1));
        const v = await values(t);
        expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(limit);
        const m = moments(v);
        expect(Math.abs(m.mean)).toBeLessThan(limit * 0.05);
        expect(m.std).toBeCloseTo(limit / Math.sqrt(3), 2 - Math.ceil(Math.log10(1 / limit)));
      });
    });
  }
  const normals = [
    ['glorotNormal', glorotNormal, Math.sqrt(2 / (fanIn + fanOut))],
    ['heNormal', heNormal, Math.sqrt(2 / fanIn)],
    ['lecunNormal', lecunNormal, Math.sqrt(1 / fanIn)],
  ] as const;
  for (const [name, init, std] of normals) {
    it(`${name} draws N(0, ${std.toPrecision(3)}²)`, async () => {
      await expectNoLeak(async () => {
        using t = initialize(init, shape, new d.Rng(2));
        const m = moments(await values(t));
        expect(Math.abs(m.mean)).toBeLessThan(std * 0.05);
        expect(Math.abs(m.std / std - 1)).toBeLessThan(0.03);
      });
    });
  }

  it('zeros, ones and constant fill; names resolve; the same seed repeats', async () => {
    await expectNoLeak(async () => {
      const rng = new d.Rng(3);
      using z = initialize(zeros, [2], rng);
      using o = initialize(ones, [2], rng);
      using c = initialize(constant(0.5), [2], rng);
      expect([await values(z), await values(o), await values(c)]).toEqual([
        [0, 0],
        [1, 1],
        [0.5, 0.5],
      ]);
      expect(getInitializer('heNormal')).toBe(heNormal);
      expect(() => getInitializer('xavier' as 'heNormal')).toThrow(d.ArgumentError);
      using a = initialize('glorotUniform', [4, 4], new d.Rng(9));
      using b = initialize('glorotUniform', [4, 4], new d.Rng(9));
      expect(await values(a)).toEqual(await values(b));
      expect(() => smallRandom(0)).toThrowError(/epsilon 0 must be positive/);
    });
  });
});
