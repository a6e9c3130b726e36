import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerNorm } from '../../src/index.js';
import { expectClose, expectLayerGradients, expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('LayerNorm', () => {
  it('normalises each row over the last axis, then scales and shifts', async () => {
    await expectNoLeak(async () => {
      const ln = new LayerNorm(3, {
        gammaInitializer: 'smallRandom',
        betaInitializer: 'smallRandom',
        rng: new d.Rng(1),
      });
      using x = d.tensor([
        [
          [1, 2, 6],
          [0, -3, 3],
        ],
      ]);
      using y = ln.forward(x);
      const g = await values(ln.gamma.value);
      const b = await values(ln.beta.value);
      const expected = [
        [1, 2, 6],
        [0, -3, 3],
      ].flatMap((row) => {
        const m = row.reduce((s, v) => s + v, 0) / 3;
        const v = row.reduce((s, u) => s + (u - m) ** 2, 0) / 3;
        return row.map((u, i) => ((u - m) / Math.sqrt(v + 1e-5)) * g[i] + b[i]);
      });
      expect(y.shape).toEqual([1, 2, 3]);
      expectClose(await values(y), expected);
      await expectLayerGradients(ln, x, ['gamma', 'beta'], { rtol: 5e-2, atol: 5e-3 });
      expect(ln.describe([4, 3])).toMatchObject({ params: 6, macs: 0 });
      expect(() => ln.outputShape([4, 5])).toThrowError('LayerNorm: expected input [..., 3], got [4, 5]');
      ln.dispose();
    });
  });
});
