import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from '../../src/index.js';
import { expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('Dropout', () => {
  it('zeroes about `rate` of the elements in training and scales the rest by 1 / (1 − rate)', async () => {
    await expectNoLeak(async () => {
      const drop = new Dropout(0.25, { rng: new d.Rng(1) });
      using x = d.ones([100, 40]);
      using y = drop.forward(x);
      const v = await values(y);
      const dropped = v.filter((u) => u === 0).length / v.length;
      expect(dropped).toBeGreaterThan(0.22);
      expect(dropped).toBeLessThan(0.28);
      expect(v.every((u) => u === 0 || Math.abs(u - 4 / 3) < 1e-6)).toBe(true);
      // The gradient goes through the kept elements only, with the same scale.
      const [g] = d.grad((xi) => d.sum(drop.forward(xi)))(x);
      expect((await values(g)).every((u) => u === 0 || Math.abs(u - 4 / 3) < 1e-6)).toBe(true);
      g.dispose();
    });
  });

  it('repeats its masks from the same seed, and is the identity in evaluation', async () => {
    await expectNoLeak(async () => {
      using x = new d.Rng(0).normal([8, 8]);
      const [a, b] = [new Dropout(0.5, { rng: new d.Rng(7) }), new Dropout(0.5, { rng: new d.Rng(7) })];
      using ya = a.forward(x);
      using yb = b.forward(x);
      expect(await values(ya)).toEqual(await values(yb));
      a.eval();
      using ye = a.forward(x);
      expect(await values(ye)).toEqual(await values(x));
      expect(a.describe([8, 8])).toMatchObject({ outputShape: [8, 8], params: 0 });
      expect(() => new Dropout(1)).toThrowError(/rate 1 must be in \[0, 1\)/);
    });
  });
});
