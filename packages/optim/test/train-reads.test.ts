// One read per step: the loss and every metric of a step (and the label checks of its loss) come back
// in one `read` — each read is a synchronisation point on a GPU. Counted on backend-cpu wrapped in
// deferredBackend, which counts every backend call.
import * as d from '@dendrite/core';
import { deferredBackend } from '@dendrite/core/conformance';
import { createCpuBackend } from '@dendrite/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy, binaryAccuracy, parameterRef, SGD, train } from '../src/index.js';
import { expectNoLeak } from './helpers.js';

const calls = new Map<string, number>();
beforeAll(async () => {
  d.registerBackend('counted', () => deferredBackend(createCpuBackend('counted'), { calls }), -1);
  await d.setBackend('counted');
});
afterAll(() => d.removeBackend('counted'));

describe('train reads back once per step', () => {
  it('with a loss and two metrics', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([[0.5], [-0.5]]));
      const x = d.tensor([
        [0, 1],
        [1, 0],
        [1, 1],
      ]);
      const y = d.tensor([[1], [0], [1]]);
      const optimizer = new SGD([w], { lr: 0.1 });
      const readsAtStep: number[] = [];
      calls.clear();
      const history = await train({
        optimizer,
        loss: () => {
          const output = d.sigmoid(d.matmul(x, w.value));
          return { loss: d.mean(d.square(d.sub(output, y))), output };
        },
        data: [0, 1, 2, 3, 4],
        epochs: 2,
        metrics: {
          accuracy: binaryAccuracy(() => y),
          mean: (output) => d.mean(output),
        },
        callbacks: { onStep: () => void readsAtStep.push(calls.get('read') ?? 0) },
      });
      expect(history.steps).toBe(10);
      expect(readsAtStep).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(Object.keys(history.epochs[0]).sort()).toEqual(['accuracy', 'epoch', 'loss', 'lr', 'mean']);
      d.dispose([w.value, x, y]);
      optimizer.dispose();
    }));

  it('with int32 labels whose range check rides along, and validation batches read once each', () =>
    expectNoLeak(async () => {
      const w = parameterRef(
        d.tensor([
          [0.2, -0.1, 0.3],
          [0.1, 0.4, -0.2],
        ]),
      );
      const x = d.tensor([
        [1, 0],
        [0, 1],
      ]);
      const optimizer = new SGD([w], { lr: 0.1 });
      // crossEntropy as layers writes it: the label check stays pending on this backend until the read
      const loss = (labels: d.Tensor) => {
        const output = d.matmul(x, w.value);
        d.checkIndexRange('crossEntropy', 'labels', labels, 3);
        const logp = d.logSoftmax(output, -1);
        return { loss: d.neg(d.mean(d.sum(d.mul(d.oneHot(labels, 3), logp), -1))), output };
      };
      // fresh label tensors per batch, so every step has a check of its own
      const batches = (bad = -1) =>
        function* () {
          for (let i = 0; i < 3; i++) yield d.tensor([i === bad ? 5 : 2, 1], [2], 'int32');
        };
      calls.clear();
      await train({
        optimizer,
        loss,
        data: batches(),
        validation: { data: batches() },
        epochs: 1,
        metrics: { accuracy: accuracy((labels: d.Tensor) => labels) },
      });
      expect(calls.get('read')).toBe(3 + 3);
      await expect(train({ optimizer, loss, data: batches(1), epochs: 1 })).rejects.toThrowError(
        'crossEntropy: labels must be in [0, 3); got 5 (labels int32[2] range over [1, 5])',
      );
      d.dispose([w.value, x]);
      optimizer.dispose();
    }));
});
