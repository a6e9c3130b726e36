import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm } from '../../src/index.js';
import { expectClose, expectLayerGradients, expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

/** Per-channel mean and biased variance of a [rows, C] array, in float64. */
function stats(x: number[], c: number): { mean: number[]; variance: number[]; n: number } {
  const n = x.length / c;
  const mean = Array.from(
    { length: c },
    (_, k) => x.filter((_, i) => i % c === k).reduce((s, v) => s + v, 0) / n,
  );
  const variance = mean.map(
    (m, k) => x.filter((_, i) => i % c === k).reduce((s, v) => s + (v - m) ** 2, 0) / n,
  );
  return { mean, variance, n };
}

describe('BatchNorm', () => {
  for (const shape of [
    [6, 4],
    [2, 3, 3, 4],
  ]) {
    it(`trains on batch statistics and updates the running ones, for [${shape}]`, async () => {
      await expectNoLeak(async () => {
        const bn = new BatchNorm(4, {
          gammaInitializer: 'smallRandom',
          betaInitializer: 'smallRandom',
          rng: new d.Rng(1),
        });
        using x = new d.Rng(2).normal(shape, 1, 2);
        using y = bn.forward(x);
        const xs = await values(x);
        const { mean, variance, n } = stats(xs, 4);
        const g = await values(bn.gamma.value);
        const b = await values(bn.beta.value);
        expectClose(
          await values(y),
          xs.map((v, i) => ((v - mean[i % 4]) / Math.sqrt(variance[i % 4] + 1e-5)) * g[i % 4] + b[i % 4]),
          1e-5,
        );
        // PyTorch's momentum 0.1; the running variance takes the unbiased batch variance.
        expectClose(
          await values(bn.runningMean.value),
          mean.map((m) => 0.1 * m),
        );
        expectClose(
          await values(bn.runningVar.value),
          variance.map((v) => 0.9 + (0.1 * v * n) / (n - 1)),
        );
        expect(await bn.numBatchesTracked.value.item()).toBe(1);
        expect(bn.numBatchesTracked.dtype).toBe('int32');
        bn.dispose();
      });
    });
  }

  it('evaluates with the running statistics and leaves them alone', async () => {
    await expectNoLeak(async () => {
      const bn = new BatchNorm(2);
      using runningMean = d.tensor([1, -1]);
      using runningVar = d.tensor([4, 0.25]);
      bn.loadStateDict({ runningMean, runningVar }, { strict: false });
      bn.eval();
      using x = d.tensor([
        [3, 0],
        [1, -1],
      ]);
      using y = bn.forward(x);
      expectClose(await values(y), [2 / Math.sqrt(4 + 1e-5), 1 / Math.sqrt(0.25 + 1e-5), 0, 0]);
      expect(await values(bn.runningMean.value)).toEqual([1, -1]);
      expect(await bn.numBatchesTracked.value.item()).toBe(0);
      bn.dispose();
    });
  });

  it('has gradients for x, gamma and beta through the batch statistics', async () => {
    await expectNoLeak(async () => {
      const bn = new BatchNorm(3, { gammaInitializer: 'smallRandom', rng: new d.Rng(3) });
      using x = new d.Rng(4).normal([4, 3]);
      await expectLayerGradients(bn, x, ['gamma', 'beta'], { rtol: 5e-2, atol: 5e-3 });
      bn.dispose();
    });
  });

  it('counts gamma and beta as parameters and the running statistics as buffers', () => {
    const bn = new BatchNorm(8);
    expect(bn.describe([2, 4, 4, 8])).toMatchObject({
      outputShape: [2, 4, 4, 8],
      params: 16,
      bufferElements: 17,
      macs: 0,
    });
    bn.dispose();
  });

  it('refuses a wrong channel count, and a single value per channel in training', () => {
    const bn = new BatchNorm(3, { name: 'bn1' });
    using x = d.zeros([2, 4]);
    expect(() => bn.forward(x)).toThrowError("BatchNorm 'bn1': expected input [N, ..., 3], got [2, 4]");
    using one = d.zeros([1, 3]);
    expect(() => bn.forward(one)).toThrowError(/more than one value per channel/);
    bn.eval();
    using y = bn.forward(one); // evaluation needs no batch statistics
    expect(y.shape).toEqual([1, 3]);
    expect(() => new BatchNorm(3, { momentum: 2 })).toThrow(d.ArgumentError);
    bn.dispose();
  });
});
