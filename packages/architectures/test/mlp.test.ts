// MLPs and LeNet-5: the textbook 3-4-2 network against a forward pass written out in plain JavaScript,
// the layer list and names, flattening of images, dropout, and typed errors.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lenet5, mlp, textbookMlp } from '../src/index.js';
import { checkLeaksAroundEachTest, expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('mlp', () => {
  it('the textbook 3-4-2 network: o = σ(σ(x W1 + b1) W2 + b2), weights in ±0.05', async () => {
    await expectNoLeak(async () => {
      const net = textbookMlp({ rng: new d.Rng(1) });
      const state = net.stateDict();
      const [W1, b1, W2, b2] = await Promise.all(
        ['dense1.kernel', 'dense1.bias', 'dense2.kernel', 'dense2.bias'].map(async (k) =>
          Array.from(await state[k].data()),
        ),
      );
      for (const w of [...W1, ...b1, ...W2, ...b2]) expect(Math.abs(w)).toBeLessThanOrEqual(0.05);
      const input = [0.5, -1, 2];
      const h = [0, 1, 2, 3].map((j) =>
        sigmoid(b1[j] + input.reduce((s, xi, i) => s + xi * W1[i * 4 + j], 0)),
      );
      const o = [0, 1].map((k) => sigmoid(b2[k] + h.reduce((s, hj, j) => s + hj * W2[j * 2 + k], 0)));
      const x = d.tensor([input]);
      const y = net.forward(x);
      const got = Array.from(await y.data());
      o.forEach((v, k) => {
        expect(got[k]).toBeCloseTo(v, 6);
      });
      d.dispose([x, y]);
      net.dispose();
    });
  });

  it('flattens images first, adds dropout after hidden layers, names its layers', async () => {
    await expectNoLeak(async () => {
      const net = mlp({ input: [4, 4, 1], hidden: [8, 6], outputs: 3, dropout: 0.5, rng: new d.Rng(2) });
      expect(net.layers.map((l) => l.name)).toEqual([
        'flatten',
        'dense1',
        'dropout1',
        'dense2',
        'dropout2',
        'dense3',
      ]);
      const x = new d.Rng(3).uniform([5, 4, 4, 1]);
      net.eval();
      const a = net.forward(x);
      const b = net.forward(x);
      expect(a.shape).toEqual([5, 3]);
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data())); // dropout off in eval
      d.dispose([x, a, b]);
      net.dispose();
    });
  });

  it('refuses bad sizes with typed errors', () => {
    expect(() => mlp({ input: 0, hidden: [], outputs: 1 })).toThrow(
      /mlp: input\[0\] must be a positive integer/,
    );
    expect(() => mlp({ input: 3, hidden: [2.5], outputs: 1 })).toThrow(d.ArgumentError);
    expect(() => mlp({ input: 3, hidden: [], outputs: 1, dropout: 1 })).toThrow(/dropout 1/);
    const net = mlp({ input: 3, hidden: [], outputs: 1 });
    expect(() => net.outputShape([2, 4])).toThrow(/Dense.*expected input \[\.\.\., 3\], got \[2, 4\]/);
    net.dispose();
  });
});

describe('lenet5', () => {
  it('runs 28x28 images (padded first convolution) to 10 logits', async () => {
    await expectNoLeak(() => {
      const net = lenet5({ inputShape: [28, 28, 1], rng: new d.Rng(4) });
      expect(net.layers.map((l) => l.name)).toEqual([
        'conv1',
        'pool1',
        'conv2',
        'pool2',
        'flatten',
        'fc1',
        'fc2',
        'fc3',
      ]);
      const x = new d.Rng(5).uniform([2, 28, 28, 1]);
      const y = net.forward(x);
      expect(y.shape).toEqual([2, 10]);
      d.dispose([x, y]);
      net.dispose();
    });
  });

  it('is too deep for 8x8 images and says where', () => {
    expect(() => lenet5({ inputShape: [8, 8, 1] })).toThrow(/Conv2D 'conv2'.*window 5/);
    expect(() => lenet5({ inputShape: [28, 28] })).toThrow(/inputShape must be \[H, W, C\]/);
  });
});
