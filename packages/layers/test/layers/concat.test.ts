import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Concat, Conv2D, Identity } from '../../src/index.js';
import { expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('Concat', () => {
  it('joins its branches’ outputs along the channels (DenseNet: [x, f(x)])', async () => {
    await expectNoLeak(async () => {
      const conv = new Conv2D(2, 3, 3, { padding: 'same', rng: new d.Rng(1) });
      const block = new Concat([new Identity(), conv]);
      using x = new d.Rng(2).normal([1, 4, 4, 2]);
      using y = block.forward(x);
      expect(y.shape).toEqual([1, 4, 4, 5]);
      using f = conv.forward(x);
      const [xs, fs, ys] = [await values(x), await values(f), await values(y)];
      const expected = Array.from({ length: 16 }, (_, p) => [
        ...xs.slice(2 * p, 2 * p + 2),
        ...fs.slice(3 * p, 3 * p + 3),
      ]).flat();
      expect(ys).toEqual(expected);
      expect(block.describe([1, 4, 4, 2])).toMatchObject({
        outputShape: [1, 4, 4, 5],
        params: 57,
        macs: 16 * 3 * 18,
      });
      block.dispose();
    });
  });

  it('refuses branches that disagree outside the axis, and no branches', () => {
    const block = new Concat({ a: new Identity(), b: new Conv2D(2, 3, 3) }, { name: 'mix' });
    expect(() => block.outputShape([1, 4, 4, 2])).toThrowError(
      "Concat 'mix': branch outputs [1, 4, 4, 2], [1, 2, 2, 3] must agree on every axis but -1",
    );
    expect(() => new Concat([])).toThrow(d.ArgumentError);
    block.dispose();
  });
});
