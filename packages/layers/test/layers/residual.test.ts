import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, Conv2D, Dense, Residual, Sequential } from '../../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('Residual', () => {
  it('adds the identity shortcut and applies the activation to the sum', async () => {
    await expectNoLeak(async () => {
      const body = new Dense(3, 3, { rng: new d.Rng(1) });
      const block = new Residual(body, { activation: 'relu' });
      using x = new d.Rng(2).normal([4, 3]);
      using y = block.forward(x);
      using f = body.forward(x);
      const [xs, fs] = [await values(x), await values(f)];
      expectClose(
        await values(y),
        xs.map((v, i) => Math.max(0, v + fs[i])),
      );
      expect(Object.keys(block.stateDict())).toEqual(['body.kernel', 'body.bias']);
      block.dispose();
    });
  });

  it('describes a ResNet downsampling block with a projection shortcut', () => {
    const block = new Residual(
      new Sequential([
        new Conv2D(8, 16, 3, { strides: 2, padding: 'same', useBias: false }),
        new BatchNorm(16),
        new Conv2D(16, 16, 3, { padding: 'same', useBias: false }),
      ]),
      { shortcut: new Conv2D(8, 16, 1, { strides: 2, useBias: false }), activation: 'relu' },
    );
    const s = block.describe([1, 8, 8, 8]);
    expect(s.outputShape).toEqual([1, 4, 4, 16]);
    expect(s.children.map((c) => c.name)).toEqual(['body', 'shortcut']);
    expect(s.params).toBe(9 * 8 * 16 + 32 + 9 * 16 * 16 + 8 * 16);
    expect(s.macs).toBe(16 * 16 * (8 * 9) + 16 * 16 * (16 * 9) + 16 * 16 * 8);
    block.dispose();
  });

  it('refuses a body whose shape the shortcut does not match', () => {
    const block = new Residual(new Dense(3, 4));
    using x = d.zeros([2, 3]);
    expect(() => block.forward(x)).toThrowError(
      "Residual: the body gives [2, 4] but the shortcut [2, 3] for input [2, 3]; a shortcut module must project to the body's shape",
    );
    block.dispose();
  });
});
