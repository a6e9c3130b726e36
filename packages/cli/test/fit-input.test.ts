// Every classifier of `dendrite models` takes every image data set: built for the data's own size when
// its layers can run on it, else for the images resized to the smallest size they accept (8x8 digits to
// 32x32 for LeNet-5 and the ImageNet DenseNets); a gradient step runs on each fitted model. Bilinear
// resizing matches PyTorch's `interpolate(..., align_corners=False)`.

import { createArchitecture } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { crossEntropy, valueAndGradOfModule } from '@dendrite/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelInput } from '../src/fit-input.js';
import {
  acceptsInput,
  convertChannels,
  fitInputToModel,
  resizeBilinear,
  selectBackend,
} from '../src/index.js';

const CLASSIFIERS = [
  'mlp',
  'lenet5',
  'resnet18',
  'resnet34',
  'resnet50',
  'resnet101',
  'resnet152',
  'resnet20',
  'resnet110',
  'densenet121',
  'densenet169',
  'densenet201',
  'densenet-40-k12',
  'densenet-bc-100-k12',
  'lstm-classifier',
];

const STEPPED = [
  'mlp',
  'lenet5',
  'resnet18',
  'resnet20',
  'densenet121',
  'densenet-40-k12',
  'lstm-classifier',
];

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('fitInputToModel', () => {
  it('resizes the 8x8 digits to 32x32 for lenet5 and says why', () => {
    const fit = fitInputToModel('lenet5', [8, 8, 1], 10);
    expect(fit.shape).toEqual([32, 32, 1]);
    expect(fit.note).toBe(
      'images resized from 8×8×1 to 32×32×1 (bilinear): lenet5 cannot take 8×8×1, 32×32×1 is the smallest size it accepts',
    );
    const x = fit.transform!(
      {
        x: { data: new Float32Array(64).fill(0.5), shape: [8, 8, 1] },
        y: { data: Int32Array.of(3), shape: [] },
      },
      new d.Rng(1),
    );
    expect(x.x.shape).toEqual([32, 32, 1]);
    expect(x.y.data[0]).toBe(3);
  });

  it('leaves data that fit as they are', () => {
    expect(fitInputToModel('lenet5', [28, 28, 1], 10)).toEqual({ shape: [28, 28, 1] });
    expect(fitInputToModel('resnet20', [8, 8, 1], 10)).toEqual({ shape: [8, 8, 1] });
    expect(fitInputToModel('mlp', [4], 3)).toEqual({ shape: [4] });
  });

  it.each(CLASSIFIERS)(
    '%s takes the digits (8x8x1) and Fashion-MNIST (28x28x1)',
    (name) => {
      // Fashion-MNIST's size fits every model but the ImageNet DenseNets (four halvings: 32x32).
      const fashion = fitInputToModel(name, [28, 28, 1], 10).shape;
      expect(fashion).toEqual(/^densenet\d+$/.test(name) ? [32, 32, 1] : [28, 28, 1]);
      const digits = fitInputToModel(name, [8, 8, 1], 10).shape;
      expect(acceptsInput(name, fashion, 10) && acceptsInput(name, digits, 10)).toBe(true);
      if (!STEPPED.includes(name)) return;
      // One of each family runs a gradient step on the digits' fit (the deeper ImageNet ones would add
      // minutes of the same layers).
      const { model, inputShape } = createArchitecture(name, {
        classes: 10,
        input: modelInput(name, digits),
        rng: new d.Rng(1),
      });
      try {
        const before = d.memory().tensors;
        d.tidy(() => {
          const x = new d.Rng(2).uniform([2, ...inputShape]);
          const y = d.tensor(Int32Array.of(1, 7), [2]);
          const { value, grads } = valueAndGradOfModule(model, () => crossEntropy(model.forward(x), y));
          expect(Number.isFinite(value.dataSync()[0])).toBe(true);
          expect(grads).toHaveLength(model.trainableParameters().length);
        });
        expect(d.memory().tensors).toBe(before);
      } finally {
        model.dispose();
      }
    },
    60_000,
  );
});

describe('images', () => {
  it('resizes bilinearly with centres aligned, as PyTorch (align_corners=False)', () => {
    // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4), mode='bilinear') -> [0, 0.25, 0.75, 1]
    const out = resizeBilinear({ data: Float32Array.of(0, 1), shape: [1, 2, 1] }, 1, 4);
    expect([...out.data]).toEqual([0, 0.25, 0.75, 1]);
    const flat = resizeBilinear({ data: new Float32Array(12).fill(0.3), shape: [2, 2, 3] }, 5, 3);
    expect(flat.shape).toEqual([5, 3, 3]);
    for (const v of flat.data) expect(v).toBeCloseTo(0.3, 6);
  });

  it('converts grey to RGB and RGB to grey (BT.601 luma)', () => {
    expect([...convertChannels({ data: Float32Array.of(0.5), shape: [1, 1, 1] }, 3).data]).toEqual([
      0.5, 0.5, 0.5,
    ]);
    const grey = convertChannels({ data: Float32Array.of(1, 0, 0), shape: [1, 1, 3] }, 1);
    expect(grey.data[0]).toBeCloseTo(0.299, 6);
  });
});
