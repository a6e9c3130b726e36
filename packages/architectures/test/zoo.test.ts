// Every architecture by name: it builds, runs (or summarises, for the large ones) on its default input,
// and refuses unknown names and options it cannot take.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createArchitecture, summary } from '../src/index.js';
import { checkLeaksAroundEachTest, expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

describe('createArchitecture', () => {
  const small: [string, number[] | undefined, number[]][] = [
    ['mlp', undefined, [2, 10]],
    ['lenet5', [28, 28, 1], [2, 10]],
    ['resnet20', [8, 8, 3], [2, 10]],
    ['densenet-10-k4', [8, 8, 3], [2, 10]],
    ['densenet-bc-10-k4', [8, 8, 3], [2, 10]],
    ['lstm-classifier', [5, 3], [2, 10]],
    ['lstm-regressor', [5, 3], [2, 5, 1]],
    ['autoencoder', [8, 8, 1], [2, 64]],
    ['mlp-gan', undefined, [2, 1]],
    ['dcgan', [8, 8, 1], [2, 1]],
  ];
  for (const [name, input, outputShape] of small) {
    it(`${name} runs a batch of 2`, async () => {
      await expectNoLeak(() => {
        const a = createArchitecture(name, { input, rng: new d.Rng(1) });
        const x = new d.Rng(2).uniform([2, ...a.inputShape]);
        const y = a.model.forward(x);
        expect(y.shape).toEqual(outputShape);
        expect(summary(a.model, [2, ...a.inputShape]).outputShape).toEqual(outputShape);
        d.dispose([x, y]);
        a.model.dispose();
      });
    });
  }

  it('char-lm takes int32 token ids', async () => {
    await expectNoLeak(() => {
      const a = createArchitecture('char-lm', { classes: 30, input: [12] });
      expect(a.inputDType).toBe('int32');
      const x = d.zeros([2, 12], 'int32');
      const y = a.model.forward(x);
      expect(y.shape).toEqual([2, 12, 30]);
      d.dispose([x, y]);
      a.model.dispose();
    });
  });

  it('takes the classes and the input of the ImageNet models', () => {
    for (const name of ['resnet18', 'resnet50', 'densenet121']) {
      const a = createArchitecture(name, { classes: 7, input: [64, 64, 1], kernelInitializer: 'zeros' });
      expect(summary(a.model, [1, 64, 64, 1]).outputShape).toEqual([1, 7]);
      a.model.dispose();
    }
  });

  it('refuses unknown names, listing the known ones, and options a model cannot take', () => {
    expect(() => createArchitecture('resnet')).toThrow(/unknown architecture 'resnet'; known: mlp, lenet5/);
    expect(() => createArchitecture('densenet100')).toThrow(/CIFAR ones are densenet-<depth>-k<growth>/);
    expect(() => createArchitecture('resnet21')).toThrow(
      /resnet21: ImageNet ResNets are resnet18.*resnet<6n\+2>/,
    );
    expect(() => createArchitecture('autoencoder', { classes: 3 })).toThrow(/has no classes/);
    expect(() => createArchitecture('lenet5', { input: [28, 28] })).toThrow(/an image \[H, W, C\]/);
    expect(() => createArchitecture('dcgan', { input: [64, 32, 3] })).toThrow(/square/);
  });
});
