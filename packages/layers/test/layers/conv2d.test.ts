import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2D } from '../../src/index.js';
import { expectClose, expectLayerGradients, expectNoLeak, useCpu, values } from '../helpers.js';
import { conv2dRef, type Pads, samePads } from '../reference.js';

beforeAll(() => useCpu());

describe('Conv2D', () => {
  const cases: {
    name: string;
    options: ConstructorParameters<typeof Conv2D>[3];
    pads: Pads;
    groups?: number;
  }[] = [
    {
      name: 'valid',
      options: {},
      pads: [
        [0, 0],
        [0, 0],
      ],
    },
    {
      name: 'same, stride 2',
      options: { padding: 'same', strides: 2 },
      pads: [samePads(7, 3, 2), samePads(6, 3, 2)],
    },
    {
      name: 'explicit pads, dilation 2',
      options: {
        padding: [
          [1, 2],
          [0, 1],
        ],
        dilations: 2,
      },
      pads: [
        [1, 2],
        [0, 1],
      ],
    },
    {
      name: 'groups 2',
      options: { groups: 2, padding: 'same' },
      pads: [samePads(7, 3, 1), samePads(6, 3, 1)],
      groups: 2,
    },
  ];
  for (const c of cases) {
    it(`matches a float64 reference: ${c.name}`, async () => {
      await expectNoLeak(async () => {
        const layer = new Conv2D(4, 6, 3, {
          ...c.options,
          rng: new d.Rng(1),
          biasInitializer: 'smallRandom',
        });
        using x = new d.Rng(2).normal([2, 7, 6, 4]);
        using y = layer.forward(x);
        const strides: [number, number] = c.options?.strides === 2 ? [2, 2] : [1, 1];
        const dil: [number, number] = c.options?.dilations === 2 ? [2, 2] : [1, 1];
        const ref = conv2dRef(
          await values(x),
          [2, 7, 6, 4],
          await values(layer.kernel.value),
          [...layer.kernel.shape],
          strides,
          c.pads,
          dil,
          c.groups ?? 1,
        );
        const bias = await values(layer.bias!.value);
        expect(y.shape).toEqual(ref.shape);
        expect(layer.outputShape(x.shape)).toEqual(ref.shape);
        expectClose(
          await values(y),
          ref.values.map((v, i) => v + bias[i % 6]),
          1e-4,
        );
        layer.dispose();
      });
    });
  }

  it('has gradients for x, kernel and bias (finite differences)', async () => {
    await expectNoLeak(async () => {
      const layer = new Conv2D(2, 3, [2, 3], {
        strides: [2, 1],
        padding: 'same',
        activation: 'tanh',
        rng: new d.Rng(3),
      });
      using x = new d.Rng(4).normal([1, 5, 4, 2]);
      await expectLayerGradients(layer, x, ['kernel', 'bias']);
      layer.dispose();
    });
  });

  it('reports shape, parameters and MACs (output elements × in/groups × kh × kw)', () => {
    const layer = new Conv2D(16, 32, 3, { padding: 'same', strides: 2, groups: 4 });
    expect(layer.kernel.shape).toEqual([3, 3, 4, 32]);
    expect(layer.describe([1, 32, 32, 16])).toMatchObject({
      outputShape: [1, 16, 16, 32],
      params: 3 * 3 * 4 * 32 + 32,
      macs: 16 * 16 * 32 * 4 * 9,
    });
    layer.dispose();
  });

  it('refuses wrong inputs and options with typed errors', () => {
    const layer = new Conv2D(3, 8, 5, { name: 'conv1' });
    using wrongChannels = d.zeros([1, 8, 8, 4]);
    expect(() => layer.forward(wrongChannels)).toThrowError(
      "Conv2D 'conv1': expected input [N, H, W, 3], got [1, 8, 8, 4]",
    );
    using tooSmall = d.zeros([1, 4, 4, 3]);
    expect(() => layer.forward(tooSmall)).toThrow(d.ShapeError);
    expect(() => layer.forward(tooSmall)).toThrowError(
      /Conv2D 'conv1': window 5 \(dilation 1\) is larger than the padded input/,
    );
    expect(() => new Conv2D(3, 8, 3, { groups: 2 })).toThrow(d.ArgumentError);
    expect(() => new Conv2D(3, 8, 0)).toThrowError(/kernelSize/);
    expect(() => new Conv2D(3, 8, 3, { padding: 'full' as 'same' })).toThrowError(/padding "full"/);
    layer.dispose();
  });
});
