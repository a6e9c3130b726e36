import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2D, Conv2DTranspose } from '../../src/index.js';
import { expectClose, expectLayerGradients, expectNoLeak, useCpu, values } from '../helpers.js';
import { conv2dTransposeRef, type Pads, samePads } from '../reference.js';

beforeAll(() => useCpu());

describe('Conv2DTranspose', () => {
  const cases: {
    name: string;
    options: ConstructorParameters<typeof Conv2DTranspose>[3];
    out: [number, number];
    pads: Pads;
  }[] = [
    {
      name: "'same', stride 2: in × 2",
      options: { strides: 2, padding: 'same' },
      out: [6, 8],
      pads: [samePads(6, 3, 2), samePads(8, 3, 2)],
    },
    {
      name: "'valid', stride 2: (in − 1) × 2 + k",
      options: { strides: 2 },
      out: [7, 9],
      pads: [
        [0, 0],
        [0, 0],
      ],
    },
    {
      name: 'explicit pads + outputPadding',
      options: {
        strides: 2,
        padding: [
          [1, 1],
          [1, 0],
        ],
        outputPadding: 1,
      },
      out: [6, 9],
      pads: [
        [1, 1],
        [1, 0],
      ],
    },
  ];
  for (const c of cases) {
    it(`upsamples as the scatter reference: ${c.name}`, async () => {
      await expectNoLeak(async () => {
        const layer = new Conv2DTranspose(3, 2, 3, {
          ...c.options,
          rng: new d.Rng(1),
          biasInitializer: 'smallRandom',
        });
        using x = new d.Rng(2).normal([2, 3, 4, 3]);
        using y = layer.forward(x);
        expect(y.shape).toEqual([2, ...c.out, 2]);
        const ref = conv2dTransposeRef(
          await values(x),
          [2, 3, 4, 3],
          await values(layer.kernel.value),
          [3, 3, 2],
          [2, 2],
          c.out,
          c.pads,
        );
        const bias = await values(layer.bias!.value);
        expectClose(
          await values(y),
          ref.map((v, i) => v + bias[i % 2]),
          1e-4,
        );
        layer.dispose();
      });
    });
  }

  it('undoes the shape of the Conv2D it mirrors, and has gradients', async () => {
    await expectNoLeak(async () => {
      const down = new Conv2D(2, 4, 3, { strides: 2, padding: 'same' });
      const up = new Conv2DTranspose(4, 2, 3, { strides: 2, padding: 'same', rng: new d.Rng(3) });
      expect(up.outputShape(down.outputShape([1, 8, 6, 2]))).toEqual([1, 8, 6, 2]);
      using x = new d.Rng(4).normal([1, 2, 3, 4]);
      await expectLayerGradients(up, x, ['kernel', 'bias']);
      down.dispose();
      up.dispose();
    });
  });

  it('reports parameters and MACs (input elements × outC × kh × kw)', () => {
    const layer = new Conv2DTranspose(8, 4, 2, { strides: 2 });
    expect(layer.kernel.shape).toEqual([2, 2, 4, 8]);
    expect(layer.describe([1, 5, 5, 8])).toMatchObject({
      outputShape: [1, 10, 10, 4],
      params: 2 * 2 * 4 * 8 + 4,
      macs: 25 * 8 * 4 * 4,
    });
    layer.dispose();
  });

  it('refuses bad outputPadding and wrong inputs with typed errors', () => {
    expect(() => new Conv2DTranspose(2, 2, 3, { strides: 2, outputPadding: 2 })).toThrow(d.ArgumentError);
    expect(
      () => new Conv2DTranspose(2, 2, 3, { strides: 2, padding: 'same', outputPadding: 1 }),
    ).toThrowError(/not allowed with padding 'same'/);
    const layer = new Conv2DTranspose(2, 3, 3);
    using x = d.zeros([1, 4, 4, 3]);
    expect(() => layer.forward(x)).toThrowError(
      'Conv2DTranspose: expected input [N, H, W, 2], got [1, 4, 4, 3]',
    );
    layer.dispose();
  });
});
