import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AvgPool2D } from '../../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from '../helpers.js';
import { pool2dRef, samePads } from '../reference.js';

beforeAll(() => useCpu());

describe('AvgPool2D', () => {
  it('averages the real (non-padding) elements of each window, as the reference', async () => {
    await expectNoLeak(async () => {
      using x = new d.Rng(2).normal([1, 5, 5, 2]);
      const pool = new AvgPool2D(3, { strides: 2, padding: 'same' });
      using y = pool.forward(x);
      const r = pool2dRef(
        'avg',
        await values(x),
        [1, 5, 5, 2],
        [3, 3],
        [2, 2],
        [samePads(5, 3, 2), samePads(5, 3, 2)],
      );
      expect(y.shape).toEqual(r.shape);
      expectClose(await values(y), r.values);
      const [g] = d.grad((xi) => d.sum(pool.forward(xi)))(x);
      // Each input pixel receives 1/count from every window it belongs to: the total is the window count.
      expect((await values(g)).reduce((s, v) => s + v, 0)).toBeCloseTo(3 * 3 * 2, 4);
      g.dispose();
    });
  });

  it('describes and refuses like the other pools', () => {
    const pool = new AvgPool2D([2, 1]);
    expect(pool.describe([1, 4, 3, 2])).toMatchObject({ outputShape: [1, 2, 3, 2], params: 0, macs: 0 });
    expect(() => pool.outputShape([1, 4, 3])).toThrow(d.ShapeError);
    expect(() => new AvgPool2D(0)).toThrow(d.ArgumentError);
  });
});
