import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Reshape } from '../../src/index.js';
import { expectNoLeak, useCpu } from '../helpers.js';

beforeAll(() => useCpu());

describe('Reshape', () => {
  it('reshapes every example, inferring one -1', async () => {
    await expectNoLeak(() => {
      const r = new Reshape([-1, 4]);
      using x = d.zeros([3, 2, 8]);
      using y = r.forward(x);
      expect(y.shape).toEqual([3, 4, 4]);
      expect(new Reshape([7, 7, 64]).describe([2, 3136])).toMatchObject({ outputShape: [2, 7, 7, 64] });
    });
  });

  it('refuses sizes that do not match and malformed targets', () => {
    using x = d.zeros([3, 10]);
    expect(() => new Reshape([3, 3]).forward(x)).toThrowError(
      'Reshape: cannot reshape examples of [10] (10 elements) to [3, 3]',
    );
    expect(() => new Reshape([-1, 3]).forward(x)).toThrow(d.ShapeError);
    expect(() => new Reshape([-1, -1])).toThrow(d.ArgumentError);
  });
});
