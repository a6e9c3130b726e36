// Losses against float64 references written out here (the PyTorch fixtures run in conformance.test.ts).
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  meanSquaredError,
  negativeLogLikelihood,
  sumSquaredError,
} from '../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

const logits = [
  [2, -1, 0.5],
  [-3, 4, 1],
];
const logSoftmax = (row: number[]) => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
};

describe('losses', () => {
  it('mean squared error and ½Σ(t−o)², with reductions and gradients', async () => {
    await expectNoLeak(async () => {
      using o = d.tensor([1, 2, 3, 4]);
      using t = d.tensor([0, 2, 5, 3]);
      using mse = meanSquaredError(o, t);
      using sum = meanSquaredError(o, t, { reduction: 'sum' });
      using none = meanSquaredError(o, t, { reduction: 'none' });
      using sse = sumSquaredError(o, t);
      expect([await mse.item(), await sum.item(), await sse.item()]).toEqual([1.5, 6, 3]);
      expect(await values(none)).toEqual([1, 0, 4, 1]);
      const [g] = d.grad((x) => sumSquaredError(x, t))(o);
      expectClose(await values(g), [1, 0, -2, 1]); // o − t
      g.dispose();
    });
  });

  it('binary cross-entropy on probabilities (clamped like PyTorch) and stable on logits', async () => {
    await expectNoLeak(async () => {
      const p = [0.9, 0.2, 0.5, 1];
      const t = [1, 0, 1, 1];
      using P = d.tensor(p);
      using T = d.tensor(t);
      using bce = binaryCrossEntropy(P, T, { reduction: 'none' });
      const clampedLog = (v: number) => Math.max(Math.log(v), -100);
      expectClose(
        await values(bce),
        p.map((pi, i) => -(t[i] * clampedLog(pi) + (1 - t[i]) * clampedLog(1 - pi))),
      );
      using zero = d.tensor([0]);
      using one = d.tensor([1]);
      using clamped = binaryCrossEntropy(zero, one);
      expect(await clamped.item()).toBe(100);
      const z = [-200, -2, 0, 3, 200];
      const tz = [1, 0, 1, 0.3, 0];
      using Z = d.tensor(z);
      using TZ = d.tensor(tz);
      using stable = binaryCrossEntropyWithLogits(Z, TZ, { reduction: 'sum' });
      const ref = z.reduce(
        (s, v, i) => s + Math.max(v, 0) - v * tz[i] + Math.log1p(Math.exp(-Math.abs(v))),
        0,
      );
      expectClose([await stable.item()], [ref]);
      // The gradient is σ(z) − t everywhere, z = 0 included (a zero-initialised output layer's logits).
      const [gz] = d.grad((x) => binaryCrossEntropyWithLogits(x, TZ, { reduction: 'sum' }))(Z);
      expectClose(
        await values(gz),
        z.map((v, i) => 1 / (1 + Math.exp(-v)) - tz[i]),
      );
      gz.dispose();
    });
  });

  it('softmax cross-entropy: integer labels, one-hot targets and soft targets agree with the reference', async () => {
    await expectNoLeak(async () => {
      using Z = d.tensor(logits);
      using labels = d.tensor(new Int32Array([0, 1]), [2]);
      using onehot = d.tensor([
        [1, 0, 0],
        [0, 1, 0],
      ]);
      const ls = logits.map(logSoftmax);
      const perExample = [-ls[0][0], -ls[1][1]];
      using a = crossEntropy(Z, labels);
      using b = crossEntropy(Z, onehot);
      using none = crossEntropy(Z, labels, { reduction: 'none' });
      expectClose(
        [await a.item(), await b.item()],
        [(perExample[0] + perExample[1]) / 2, (perExample[0] + perExample[1]) / 2],
      );
      expectClose(await values(none), perExample);
      const soft = [
        [0.2, 0.3, 0.5],
        [0.6, 0.2, 0.2],
      ];
      using S = d.tensor(soft);
      using c = crossEntropy(Z, S, { reduction: 'sum' });
      expectClose(
        [await c.item()],
        [-soft.flatMap((r, n) => r.map((ti, k) => ti * ls[n][k])).reduce((s, v) => s + v, 0)],
      );
      // Gradient of the mean loss: (softmax − onehot) / N.
      const [g] = d.grad((x) => crossEntropy(x, labels))(Z);
      const expected = ls.flatMap((r, n) => r.map((l, k) => (Math.exp(l) - (k === [0, 1][n] ? 1 : 0)) / 2));
      expectClose(await values(g), expected);
      g.dispose();
    });
  });

  it('handles leading axes ([B, T, C] logits with [B, T] labels)', async () => {
    await expectNoLeak(async () => {
      using Z = d.tensor([logits]);
      using labels = d.tensor(new Int32Array([2, 0]), [1, 2]);
      using none = crossEntropy(Z, labels, { reduction: 'none' });
      expect(none.shape).toEqual([1, 2]);
      const ls = logits.map(logSoftmax);
      expectClose(await values(none), [-ls[0][2], -ls[1][0]]);
    });
  });

  it('negative log-likelihood picks −logProbs[n, label]', async () => {
    await expectNoLeak(async () => {
      using lp = d.tensor(logits.map(logSoftmax));
      using labels = d.tensor(new Int32Array([1, 2]), [2]);
      using nll = negativeLogLikelihood(lp, labels, { reduction: 'sum' });
      const ls = logits.map(logSoftmax);
      expectClose([await nll.item()], [-ls[0][1] - ls[1][2]]);
    });
  });

  it('refuses mismatched shapes and dtypes with typed errors naming the loss', () => {
    using a = d.zeros([2, 3]);
    using b = d.zeros([3, 2]);
    using floatLabels = d.zeros([2]);
    using badLabels = d.tensor(new Int32Array([0, 1, 2]), [3]);
    expect(() => meanSquaredError(a, b)).toThrowError(
      'meanSquaredError: output float32[2, 3] and target float32[3, 2] must have the same shape',
    );
    expect(() => crossEntropy(a, floatLabels)).toThrow(d.ShapeError);
    expect(() => crossEntropy(a, badLabels)).toThrowError(
      /crossEntropy: labels int32\[3\] must have the shape of logits/,
    );
    expect(() => negativeLogLikelihood(a, floatLabels)).toThrow(d.DTypeError);
    expect(() => meanSquaredError(a, a, { reduction: 'avg' as 'mean' })).toThrow(d.ArgumentError);
  });
});
