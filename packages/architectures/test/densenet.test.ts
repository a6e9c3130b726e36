// DenseNet pieces: a dense layer keeps its input as the first channels and appends k new ones, the
// bottleneck variant, transitions, torchvision's names, typed errors, and a few SGD steps that lower
// the loss of a small CIFAR DenseNet.
import * as d from '@dendrite/core';
import { crossEntropy } from '@dendrite/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cifarDenseNet, DenseLayer, densenet, gradientStep, transition } from '../src/index.js';
import { checkLeaksAroundEachTest, expectNoLeak, sgd, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

describe('DenseLayer', () => {
  it('outputs its input unchanged as the first channels, then growthRate new ones', async () => {
    await expectNoLeak(async () => {
      const layer = new DenseLayer(3, 4, { rng: new d.Rng(1) });
      const x = new d.Rng(2).normal([2, 5, 5, 3]);
      const y = layer.forward(x);
      expect(y.shape).toEqual([2, 5, 5, 7]);
      const kept = d.slice(y, [0, 0, 0, 0], [2, 5, 5, 3]);
      expect(Array.from(await kept.data())).toEqual(Array.from(await x.data()));
      d.dispose([x, y, kept]);
      layer.dispose();
    });
  });

  it('with a bottleneck: BN-ReLU-conv1x1 to 4k, then BN-ReLU-conv3x3 to k (torchvision names)', () => {
    const layer = new DenseLayer(64, 32, { bottleneckWidth: 4 });
    expect(layer.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['norm1.gamma', [64]],
      ['norm1.beta', [64]],
      ['conv1.kernel', [1, 1, 64, 128]],
      ['norm2.gamma', [128]],
      ['norm2.beta', [128]],
      ['conv2.kernel', [3, 3, 128, 32]],
    ]);
    expect(layer.outputShape([1, 56, 56, 64])).toEqual([1, 56, 56, 96]);
    layer.dispose();
  });

  it('refuses input with the wrong channels, naming the layer', () => {
    const layer = new DenseLayer(3, 4);
    expect(() => layer.outputShape([1, 5, 5, 2])).toThrow(d.ShapeError);
    expect(() => layer.outputShape([5, 2])).toThrow(/DenseLayer.*\[N, H, W, 3\].*\[5, 2\]/);
    layer.dispose();
  });
});

describe('models', () => {
  it('transition: BN, ReLU, 1x1 conv, 2x2 average pool', () => {
    const t = transition(10, 5);
    expect(t.outputShape([2, 8, 8, 10])).toEqual([2, 4, 4, 5]);
    expect(t.countParameters()).toBe(2 * 10 + 10 * 5);
    t.dispose();
  });

  it('DenseNet-121 has torchvision’s module names', () => {
    const model = densenet(121, { kernelInitializer: 'zeros' });
    const names = model.namedParameters().map(([n]) => n);
    expect(names[0]).toBe('features.conv0.kernel');
    expect(names).toContain('features.denseblock1.denselayer1.norm1.gamma');
    expect(names).toContain('features.denseblock4.denselayer16.conv2.kernel');
    expect(names).toContain('features.transition3.conv.kernel');
    expect(names).toContain('features.norm5.beta');
    expect(names.slice(-2)).toEqual(['classifier.kernel', 'classifier.bias']);
    model.dispose();
  });

  it('CIFAR DenseNets check depth, growth and compression', () => {
    expect(() => cifarDenseNet({ depth: 41 })).toThrow(/depth 41 must be 3n \+ 4/);
    expect(() => cifarDenseNet({ depth: 43, bottleneck: true })).toThrow(/or 6n \+ 4 with bottlenecks/);
    expect(() => cifarDenseNet({ compression: 0 })).toThrow(/compression 0 must be in \(0, 1\]/);
    expect(() => densenet(122 as 121)).toThrow(/depth 122 must be one of 121, 169, 201/);
  });

  it('a small CIFAR DenseNet lowers its loss over a few SGD steps on a fixed batch, without leaks', async () => {
    const rng = new d.Rng(3);
    const model = cifarDenseNet({ depth: 7, growthRate: 4, classes: 3, rng });
    const x = rng.normal([4, 8, 8, 3]);
    const labels = d.tensor([2, 0, 1, 0], [4], 'int32');
    const losses: number[] = [];
    await expectNoLeak(async () => {
      const optimizer = sgd(0.1);
      for (let step = 0; step < 6; step++) {
        const loss = gradientStep(model, () => crossEntropy(model.forward(x), labels), optimizer);
        losses.push(await loss.item());
        loss.dispose();
      }
    });
    expect(losses[5]).toBeLessThan(losses[0]);
    d.dispose([x, labels]);
    model.dispose();
  });
});
