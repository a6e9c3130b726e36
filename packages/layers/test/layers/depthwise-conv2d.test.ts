import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DepthwiseConv2D } from '../../src/index.js';
import { expectClose, expectLayerGradients, expectNoLeak, useCpu, values } from '../helpers.js';
import { conv2dRef, samePads } from '../reference.js';

beforeAll(() => useCpu());

describe('DepthwiseConv2D', () => {
  it('convolves channel c with its own filters into outputs c*M + m (float64 reference)', async () => {
    await expectNoLeak(async () => {
      const layer = new DepthwiseConv2D(3, 3, {
        multiplier: 2,
        padding: 'same',
        strides: 2,
        rng: new d.Rng(1),
        biasInitializer: 'smallRandom',
      });
      using x = new d.Rng(2).normal([2, 5, 6, 3]);
      using y = layer.forward(x);
      // A grouped conv with groups = C and the kernel [3, 3, 3, 2] read as [3, 3, 1, 6].
      const ref = conv2dRef(
        await values(x),
        [2, 5, 6, 3],
        await values(layer.kernel.value),
        [3, 3, 1, 6],
        [2, 2],
        [samePads(5, 3, 2), samePads(6, 3, 2)],
        [1, 1],
        3,
      );
      const bias = await values(layer.bias!.value);
      expect(y.shape).toEqual([2, 3, 3, 6]);
      expectClose(
        await values(y),
        ref.values.map((v, i) => v + bias[i % 6]),
        1e-4,
      );
      await expectLayerGradients(layer, x, ['kernel', 'bias']);
      layer.dispose();
    });
  });

  it('reports shape, parameters and MACs (output elements × kh × kw)', () => {
    const layer = new DepthwiseConv2D(32, 3, { padding: 'same' });
    expect(layer.describe([1, 10, 10, 32])).toMatchObject({
      outputShape: [1, 10, 10, 32],
      params: 9 * 32 + 32,
      macs: 10 * 10 * 32 * 9,
    });
    layer.dispose();
  });

  it('refuses a wrong channel count with a typed error', () => {
    const layer = new DepthwiseConv2D(4, 3);
    using x = d.zeros([1, 5, 5, 3]);
    expect(() => layer.forward(x)).toThrowError(
      'DepthwiseConv2D: expected input [N, H, W, 4], got [1, 5, 5, 3]',
    );
    expect(() => new DepthwiseConv2D(4, 3, { multiplier: 0 })).toThrow(d.ArgumentError);
    layer.dispose();
  });
});
