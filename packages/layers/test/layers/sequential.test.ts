import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivationLayer,
  Conv2D,
  Dense,
  Embedding,
  Flatten,
  MaxPool2D,
  Sequential,
} from '../../src/index.js';
import { expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('Sequential', () => {
  const cnn = () =>
    new Sequential({
      conv: new Conv2D(1, 4, 3, { padding: 'same', activation: 'relu' }),
      pool: new MaxPool2D(2),
      flat: new Flatten(),
      fc: new Dense(4 * 4 * 4, 10),
    });

  it('runs its layers in order and names them by key', async () => {
    await expectNoLeak(async () => {
      const m = cnn();
      using x = new d.Rng(1).normal([2, 8, 8, 1]);
      using y = m.forward(x);
      // The same computation, layer by layer.
      const manual = d.tidy(() => m.layers.reduce((h, l) => l.forward(h), x));
      expect(await values(y)).toEqual(await values(manual));
      manual.dispose();
      expect(y.shape).toEqual([2, 10]);
      expect(m.children().map(([n]) => n)).toEqual(['conv', 'pool', 'flat', 'fc']);
      expect(m.layers[3].name).toBe('fc');
      m.dispose();
    });
  });

  it('describes itself from its layers’ descriptions', () => {
    const m = cnn();
    const s = m.describe([1, 8, 8, 1]);
    expect(s.children.map((c) => [c.name, c.outputShape, c.params, c.macs])).toEqual([
      ['conv', [1, 8, 8, 4], 9 * 4 + 4, 8 * 8 * 4 * 9],
      ['pool', [1, 4, 4, 4], 0, 0],
      ['flat', [1, 64], 0, 0],
      ['fc', [1, 10], 64 * 10 + 10, 640],
    ]);
    expect(s).toMatchObject({ kind: 'Sequential', outputShape: [1, 10], params: 40 + 650, macs: 2304 + 640 });
    expect(s.params).toBe(m.countParameters());
    m.dispose();
  });

  it('names the layer that refuses a shape, before computing anything', () => {
    const m = cnn();
    using x = d.zeros([2, 10, 10, 1]);
    expect(() => m.forward(x)).toThrowError("Dense 'fc': expected input [..., 64], got [2, 100]");
    m.dispose();
  });

  it('lets its first layer decide the input dtype, is the identity when empty, and grows with add()', async () => {
    await expectNoLeak(async () => {
      const m = new Sequential([new Embedding(5, 2), new ActivationLayer('tanh')]);
      using ids = d.tensor(new Int32Array([1, 2]), [2]);
      using y = m.forward(ids);
      expect(y.shape).toEqual([2, 2]);
      m.add(new Dense(2, 1));
      expect(m.children().map(([n]) => n)).toEqual(['0', '1', '2']);
      const empty = new Sequential();
      using z = empty.forward(y);
      expect(await values(z)).toEqual(await values(y));
      m.dispose();
    });
  });
});
