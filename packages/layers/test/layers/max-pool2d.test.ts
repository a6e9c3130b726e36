import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaxPool2D } from '../../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from '../helpers.js';
import { pool2dRef, samePads } from '../reference.js';

beforeAll(() => useCpu());

describe('MaxPool2D', () => {
  it('takes window maxima (valid 2x2 and same 3x3 stride 2) as the reference', async () => {
    await expectNoLeak(async () => {
      using x = new d.Rng(1).normal([2, 5, 7, 3]);
      const xs = await values(x);
      const valid = new MaxPool2D(2);
      using y1 = valid.forward(x);
      const r1 = pool2dRef(
        'max',
        xs,
        [2, 5, 7, 3],
        [2, 2],
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      );
      expect(y1.shape).toEqual(r1.shape);
      expectClose(await values(y1), r1.values);
      const same = new MaxPool2D(3, { strides: 2, padding: 'same' });
      using y2 = same.forward(x);
      const r2 = pool2dRef('max', xs, [2, 5, 7, 3], [3, 3], [2, 2], [samePads(5, 3, 2), samePads(7, 3, 2)]);
      expect(y2.shape).toEqual(r2.shape);
      expectClose(await values(y2), r2.values);
      expect(same.describe([2, 5, 7, 3])).toMatchObject({ outputShape: r2.shape, params: 0, macs: 0 });
    });
  });

  it('passes the gradient to each window’s maximum', async () => {
    await expectNoLeak(async () => {
      const pool = new MaxPool2D(2);
      using x = d.tensor([1, 5, 3, 2, 9, 4, 7, 8, 6, 0, 2, 1, 3, 4, 5, 6], [1, 4, 4, 1]);
      const [g] = d.grad((xi) => d.sum(pool.forward(xi)))(x);
      expect(await values(g)).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1]);
      g.dispose();
    });
  });

  it('refuses non-NHWC input and padding as large as the window', () => {
    const pool = new MaxPool2D(2, { name: 'pool1' });
    using x = d.zeros([4, 4, 1]);
    expect(() => pool.forward(x)).toThrowError(
      "MaxPool2D 'pool1': expected input [N, H, W, C], got [4, 4, 1]",
    );
    const padded = new MaxPool2D(2, {
      padding: [
        [2, 0],
        [0, 0],
      ],
    });
    expect(() => padded.outputShape([1, 4, 4, 1])).toThrow(d.ShapeError);
    using small = d.zeros([1, 1, 3, 1]);
    expect(() => pool.forward(small)).toThrowError(/larger than the padded input/);
  });
});
