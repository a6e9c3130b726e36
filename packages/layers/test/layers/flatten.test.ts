import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Flatten } from '../../src/index.js';
import { expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('Flatten', () => {
  it('keeps the batch axis and flattens the rest in row-major (H, W, C) order', async () => {
    await expectNoLeak(async () => {
      const flat = new Flatten();
      using x = d.tensor(
        Array.from({ length: 24 }, (_, i) => i),
        [2, 2, 3, 2],
      );
      using y = flat.forward(x);
      expect(y.shape).toEqual([2, 12]);
      expect(await values(y)).toEqual(Array.from({ length: 24 }, (_, i) => i));
      expect(flat.describe([5, 7, 7, 64])).toMatchObject({ outputShape: [5, 3136], params: 0 });
      expect(() => flat.outputShape([])).toThrow(d.ShapeError);
    });
  });
});
