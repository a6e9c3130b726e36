import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../../src/index.js';
import { expectClose, expectLayerGradients, expectNoLeak, useCpu, values } from '../helpers.js';
import { matmulRef, sigmoid } from '../reference.js';

beforeAll(() => useCpu());

describe('Dense', () => {
  it('computes activation(x @ W + b) against a float64 reference, fused or not', async () => {
    await expectNoLeak(async () => {
      const rng = new d.Rng(1);
      using x = rng.normal([4, 3]);
      for (const [activation, f] of [
        ['sigmoid', sigmoid],
        ['softplus', (v: number) => Math.log1p(Math.exp(v))],
        [undefined, (v: number) => v],
      ] as const) {
        const layer = new Dense(3, 5, { activation, rng: new d.Rng(2), biasInitializer: 'smallRandom' });
        using y = layer.forward(x);
        const z = matmulRef(await values(x), await values(layer.kernel.value), 4, 3, 5);
        const b = await values(layer.bias!.value);
        expect(y.shape).toEqual([4, 5]);
        expectClose(
          await values(y),
          z.map((v, i) => f(v + b[i % 5])),
        );
        layer.dispose();
      }
    });
  });

  it('applies to the last axis of any rank', async () => {
    await expectNoLeak(async () => {
      const layer = new Dense(3, 2, { rng: new d.Rng(3) });
      using x = new d.Rng(4).normal([2, 4, 3]);
      using y = layer.forward(x);
      expect(y.shape).toEqual([2, 4, 2]);
      const z = matmulRef(await values(x), await values(layer.kernel.value), 8, 3, 2);
      expectClose(await values(y), z);
      await expectLayerGradients(layer, x, ['kernel', 'bias']);
      layer.dispose();
    });
  });

  it('has gradients for x, kernel and bias (finite differences), with and without a fused activation', async () => {
    await expectNoLeak(async () => {
      using x = new d.Rng(5).normal([3, 4]);
      for (const activation of ['tanh', 'gelu'] as const) {
        const layer = new Dense(4, 3, { activation, rng: new d.Rng(6), biasInitializer: 'smallRandom' });
        await expectLayerGradients(layer, x, ['kernel', 'bias']);
        layer.dispose();
      }
    });
  });

  it('reports shape, parameters and MACs; no bias when asked', () => {
    const layer = new Dense(64, 32, { activation: 'relu' });
    expect(layer.describe([8, 64])).toMatchObject({
      kind: 'Dense',
      outputShape: [8, 32],
      params: 64 * 32 + 32,
      macs: 8 * 32 * 64,
    });
    const noBias = new Dense(64, 32, { useBias: false });
    expect(noBias.bias).toBeNull();
    expect(noBias.countParameters()).toBe(64 * 32);
    layer.dispose();
    noBias.dispose();
  });

  it('refuses a wrong input with a typed error naming the layer and shapes', () => {
    const layer = new Dense(4, 2, { name: 'fc1' });
    using x = d.zeros([2, 3]);
    expect(() => layer.forward(x)).toThrow(d.ShapeError);
    expect(() => layer.forward(x)).toThrowError("Dense 'fc1': expected input [..., 4], got [2, 3]");
    expect(() => layer.describe([4])).not.toThrow();
    expect(() => new Dense(0, 2)).toThrowError(/inFeatures must be a positive integer/);
    expect(() => new Dense(2, 2, { activation: 'nope' })).toThrow(d.ArgumentError);
    layer.dispose();
  });

  it('draws the same weights from the same seed', async () => {
    const [a, b] = [new Dense(3, 3, { rng: new d.Rng(11) }), new Dense(3, 3, { rng: new d.Rng(11) })];
    expect(await values(a.kernel.value)).toEqual(await values(b.kernel.value));
    d.setSeed(5);
    const c = new Dense(3, 3);
    d.setSeed(5);
    const e = new Dense(3, 3);
    expect(await values(c.kernel.value)).toEqual(await values(e.kernel.value));
    for (const m of [a, b, c, e]) m.dispose();
  });
});
