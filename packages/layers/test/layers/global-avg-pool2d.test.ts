import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GlobalAvgPool2D } from '../../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('GlobalAvgPool2D', () => {
  it('averages over height and width: [N, H, W, C] -> [N, C]', async () => {
    await expectNoLeak(async () => {
      using x = d.tensor([1, 10, 2, 20, 3, 30, 6, 60], [1, 2, 2, 2]);
      const pool = new GlobalAvgPool2D();
      using y = pool.forward(x);
      expect(y.shape).toEqual([1, 2]);
      expectClose(await values(y), [3, 30]);
      const keep = new GlobalAvgPool2D({ keepdims: true });
      expect(keep.outputShape([3, 7, 7, 5])).toEqual([3, 1, 1, 5]);
      expect(() => pool.outputShape([3, 5])).toThrowError(
        'GlobalAvgPool2D: expected input [N, H, W, C], got [3, 5]',
      );
    });
  });
});
