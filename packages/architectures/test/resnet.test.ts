// ResNet blocks and models: the option A shortcut against a plain-JavaScript reference, torchvision's
// module names, shapes through every stage, typed errors, and a few SGD steps that lower the loss.
import * as d from '@dendrite/core';
import { checkGradients } from '@dendrite/core/conformance';
import { crossEntropy, type Module } from '@dendrite/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BasicBlock, Bottleneck, cifarResNet, gradientStep, OptionAShortcut, resnet } from '../src/index.js';
import { checkLeaksAroundEachTest, expectNoLeak, sgd, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

describe('OptionAShortcut', () => {
  it('keeps every second pixel and pads (out − in) / 2 zero channels on each side', async () => {
    await expectNoLeak(async () => {
      const [n, h, w, c] = [2, 5, 4, 2];
      const values = Array.from({ length: n * h * w * c }, (_, i) => i + 1);
      const x = d.tensor(values, [n, h, w, c]);
      const shortcut = new OptionAShortcut(2, 6, 2);
      const y = shortcut.forward(x);
      expect(y.shape).toEqual([2, 3, 2, 6]);
      const expected: number[] = [];
      for (let b = 0; b < n; b++)
        for (let i = 0; i < h; i += 2)
          for (let j = 0; j < w; j += 2)
            for (let k = 0; k < 6; k++) {
              const src = k - 2;
              expected.push(src >= 0 && src < c ? values[((b * h + i) * w + j) * c + src] : 0);
            }
      expect(Array.from(await y.data())).toEqual(expected);
      expect(shortcut.countParameters()).toBe(0);
      d.dispose([x, y]);
      shortcut.dispose();
    });
  });

  it('passes gradients back to the kept pixels only (finite differences)', async () => {
    await expectNoLeak(async () => {
      const x = new d.Rng(1).uniform([1, 4, 4, 2], -1, 1);
      const shortcut = new OptionAShortcut(2, 4, 2);
      const r = await checkGradients((xi) => shortcut.forward(xi), [x]);
      expect(r.ok, r.reason).toBe(true);
      shortcut.dispose();
      x.dispose();
    });
  });

  it('refuses an odd channel difference and the wrong input', () => {
    expect(() => new OptionAShortcut(4, 7, 2)).toThrow(d.ArgumentError);
    const s = new OptionAShortcut(4, 8, 2);
    expect(() => s.outputShape([1, 8, 8, 3])).toThrow(/OptionAShortcut.*\[N, H, W, 4\].*\[1, 8, 8, 3\]/);
  });
});

describe('blocks', () => {
  it('BasicBlock: identity when the shape is kept, projection or option A when it changes', () => {
    const keep = new BasicBlock(8, 8);
    const project = new BasicBlock(8, 16, { stride: 2 });
    const optionA = new BasicBlock(8, 16, { stride: 2, shortcut: 'optionA' });
    expect(keep.downsample).toBeNull();
    expect(project.outputShape([2, 8, 8, 8])).toEqual([2, 4, 4, 16]);
    expect(Object.keys(project.stateDict())).toEqual([
      'conv1.kernel',
      'bn1.gamma',
      'bn1.beta',
      'conv2.kernel',
      'bn2.gamma',
      'bn2.beta',
      'downsample.0.kernel',
      'downsample.1.gamma',
      'downsample.1.beta',
      'bn1.runningMean',
      'bn1.runningVar',
      'bn1.numBatchesTracked',
      'bn2.runningMean',
      'bn2.runningVar',
      'bn2.numBatchesTracked',
      'downsample.1.runningMean',
      'downsample.1.runningVar',
      'downsample.1.numBatchesTracked',
    ]);
    expect(optionA.countParameters()).toBe(project.countParameters() - (8 * 16 + 2 * 16));
    for (const m of [keep, project, optionA]) m.dispose();
  });

  it('Bottleneck: 1x1 reduce, strided 3x3, 1x1 expand to 4x, projection shortcut', async () => {
    await expectNoLeak(async () => {
      const block = new Bottleneck(16, 8, { stride: 2, rng: new d.Rng(2) });
      expect(block.outChannels).toBe(32);
      expect(block.countParameters()).toBe(16 * 8 + 9 * 8 * 8 + 8 * 32 + 16 * 32 + 2 * (8 + 8 + 32 + 32));
      const x = new d.Rng(3).normal([2, 6, 6, 16]);
      const y = block.forward(x);
      expect(y.shape).toEqual([2, 3, 3, 32]);
      // A residual block ends with ReLU.
      expect(Math.min(...(await y.data()))).toBeGreaterThanOrEqual(0);
      d.dispose([x, y]);
      block.dispose();
    });
  });

  it('names the layer and the shapes when the shortcut cannot match', () => {
    const block = new BasicBlock(8, 8, { padding: 'valid' });
    expect(() => block.outputShape([1, 6, 6, 8])).toThrow(
      /BasicBlock.*main path gives \[1, 4, 4, 8\] but the shortcut \[1, 6, 6, 8\]/,
    );
    block.dispose();
  });
});

describe('inference with batch norm folded into the convolutions', () => {
  it('gives a trained CIFAR ResNet-20 the outputs of the unfolded network (eval, grad off vs on)', async () => {
    const rng = new d.Rng(5);
    const model = cifarResNet(20, { classes: 4, rng });
    // Two training passes move the running statistics off their initial values.
    for (let i = 0; i < 2; i++) d.tidy(() => void model.forward(rng.normal([4, 8, 8, 3])));
    model.eval();
    // The first folded pass leaves each norm holding its folded filter and bias (freed by dispose);
    // later passes must add nothing.
    d.noGrad(() => d.tidy(() => void model.forward(rng.normal([1, 8, 8, 3]))));
    await expectNoLeak(async () => {
      const x = rng.normal([3, 8, 8, 3]);
      const unfolded = d.tidy(() => d.detach(model.forward(x))); // grad on: every layer runs on its own
      const folded = d.noGrad(() => model.forward(x));
      const [a, b] = [await unfolded.data(), await folded.data()];
      for (let i = 0; i < a.length; i++)
        expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 + 1e-4 * Math.abs(a[i]));
      d.dispose([x, unfolded, folded]);
    });
    model.dispose();
  });
});

describe('models', () => {
  it('ResNet-18 has torchvision’s module names, so its checkpoints map name for name', () => {
    const model = resnet(18, { kernelInitializer: 'zeros' });
    const names = model.namedParameters().map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['conv1.kernel', 'bn1.gamma', 'bn1.beta']);
    expect(names).toContain('layer2.0.downsample.0.kernel');
    expect(names).toContain('layer4.1.bn2.beta');
    expect(names.slice(-2)).toEqual(['fc.kernel', 'fc.bias']);
    // torchvision: 62 parameter tensors (20 convs, 20 BNs x 2, fc weight and bias).
    expect(names.length).toBe(62);
    model.dispose();
  });

  it('CIFAR ResNets are 6n + 2 deep and refuse other depths', () => {
    expect(() => cifarResNet(21)).toThrow(/depth 21 must be 6n \+ 2/);
    expect(() => resnet(19 as 18)).toThrow(/depth 19 must be one of 18, 34, 50, 101, 152/);
  });

  it('a small CIFAR ResNet lowers its loss over a few SGD steps on a fixed batch, without leaks', async () => {
    const rng = new d.Rng(5);
    const model = cifarResNet(8, { classes: 3, rng });
    const x = rng.normal([4, 8, 8, 3]);
    const labels = d.tensor([0, 1, 2, 1], [4], 'int32');
    const losses: number[] = [];
    await expectNoLeak(async () => {
      const optimizer = sgd(0.05);
      for (let step = 0; step < 6; step++) {
        const loss = gradientStep(model, () => crossEntropy(model.forward(x), labels), optimizer);
        losses.push(await loss.item());
        loss.dispose();
      }
    });
    expect(losses[5]).toBeLessThan(losses[0]);
    model.eval();
    const y = model.forward(x);
    expect(y.shape).toEqual([4, 3]);
    d.dispose([x, labels, y]);
    (model as Module).dispose();
  });
});
