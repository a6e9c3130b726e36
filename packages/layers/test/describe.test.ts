// `describe` composes through containers: a CIFAR ResNet-20 (with a user-defined, parameter-free
// option-A shortcut) reports exactly the parameter and MAC counts of fixtures/torch/architectures.json.
import { readFileSync } from 'node:fs';
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivationLayer,
  BatchNorm,
  Conv2D,
  Dense,
  GlobalAvgPool2D,
  type LayerDescription,
  Module,
  Residual,
  Sequential,
} from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

/** He et al.'s option A: subsample by 2 and zero-pad the channels, (cout − cin) / 2 on each side. */
class OptionAShortcut extends Module {
  constructor(
    readonly cin: number,
    readonly cout: number,
  ) {
    super('OptionAShortcut');
  }
  outputShape([n, h, w, c]: d.Shape): d.Shape {
    if (c !== this.cin) throw new d.ShapeError(this.label, `expected ${this.cin} channels, got ${c}`);
    return [n, Math.ceil(h / 2), Math.ceil(w / 2), this.cout];
  }
  protected compute(x: d.Tensor): d.Tensor {
    const side = (this.cout - this.cin) / 2;
    return d.tidy(() =>
      d.pad(d.avgPool2d(x, 1, { strides: 2 }), [
        [0, 0],
        [0, 0],
        [0, 0],
        [side, side],
      ]),
    );
  }
}

function basicBlock(cin: number, cout: number, stride: number): Module {
  const body = new Sequential([
    new Conv2D(cin, cout, 3, {
      strides: stride,
      padding: [
        [1, 1],
        [1, 1],
      ],
      useBias: false,
    }),
    new BatchNorm(cout),
    new ActivationLayer('relu'),
    new Conv2D(cout, cout, 3, {
      padding: [
        [1, 1],
        [1, 1],
      ],
      useBias: false,
    }),
    new BatchNorm(cout),
  ]);
  const shortcut = cin !== cout || stride !== 1 ? new OptionAShortcut(cin, cout) : undefined;
  return new Residual(body, { shortcut, activation: 'relu' });
}

function cifarResNet(n: number, classes = 10): Sequential {
  const model = new Sequential([
    new Conv2D(3, 16, 3, {
      padding: [
        [1, 1],
        [1, 1],
      ],
      useBias: false,
    }),
    new BatchNorm(16),
    new ActivationLayer('relu'),
  ]);
  let cin = 16;
  for (const [stage, cout] of [16, 32, 64].entries()) {
    for (let b = 0; b < n; b++) {
      model.add(basicBlock(cin, cout, stage > 0 && b === 0 ? 2 : 1));
      cin = cout;
    }
  }
  return model.add(new GlobalAvgPool2D()).add(new Dense(64, classes));
}

function count(desc: LayerDescription, kind: string): number {
  return (desc.kind === kind ? 1 : 0) + desc.children.reduce((s, c) => s + count(c, kind), 0);
}

describe('describe()', () => {
  it('reproduces the CIFAR ResNet-20 counts of architectures.json through Sequential and Residual', async () => {
    const cases = JSON.parse(
      readFileSync(new URL('../../../fixtures/torch/architectures.json', import.meta.url), 'utf8'),
    );
    const expected = cases.find((c: { name: string }) => c.name === 'architectures/cifar_resnet20');
    await expectNoLeak(async () => {
      const model = cifarResNet(3);
      const desc = model.describe(expected.attrs.inputShape);
      expect(desc.outputShape).toEqual(expected.outputs.outputShape);
      expect(desc.trainableParams).toBe(expected.outputs.params);
      expect(desc.macs).toBe(expected.outputs.macs);
      // BN running mean and variance, plus one int32 counter per BN layer.
      expect(desc.bufferElements).toBe(
        expected.outputs.bnRunningStatValues + expected.outputs.layerCounts.batchnorm,
      );
      expect([count(desc, 'Conv2D'), count(desc, 'Dense'), count(desc, 'BatchNorm')]).toEqual([
        expected.outputs.layerCounts.conv,
        expected.outputs.layerCounts.linear,
        expected.outputs.layerCounts.batchnorm,
      ]);
      // And the model runs, giving the shape it described.
      model.eval();
      using x = new d.Rng(1).normal(expected.attrs.inputShape);
      using y = d.noGrad(() => model.forward(x));
      expect(y.shape).toEqual(desc.outputShape);
      model.dispose();
    });
  });
});
