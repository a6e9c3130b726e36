// Class labels and indices out of range: cross-entropy, NLL, Embedding and one-hot refuse them with
// IndexError naming the op and the value — at the call on a backend that reads synchronously, and at the
// next read on an asynchronous one (backend-cpu wrapped in deferredBackend), without an extra read.
import * as d from '@dendrite/core';
import { deferredBackend } from '@dendrite/core/conformance';
import { createCpuBackend } from '@dendrite/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy, Embedding, negativeLogLikelihood } from '../src/index.js';
import { expectClose, expectNoLeak, values } from './helpers.js';

const calls = new Map<string, number>();
beforeAll(async () => {
  d.registerBackend('labels-sync', () => createCpuBackend('labels-sync'), -1);
  d.registerBackend('labels-async', () => deferredBackend(createCpuBackend('labels-async'), { calls }), -1);
});
afterAll(() => {
  d.removeBackend('labels-sync');
  d.removeBackend('labels-async');
});

const logitRows = [
  [2, -1, 0.5],
  [-3, 4, 1],
];

describe('on a backend that reads synchronously', () => {
  beforeAll(() => d.setBackend('labels-sync'));

  it('crossEntropy refuses a label ≥ C and a negative one, naming the loss and the value', () =>
    expectNoLeak(() => {
      using logits = d.tensor(logitRows);
      using high = d.tensor([0, 7], [2], 'int32');
      using negative = d.tensor([-1, 2], [2], 'int32');
      expect(() => crossEntropy(logits, high)).toThrowError(d.IndexError);
      expect(() => crossEntropy(logits, high)).toThrowError(
        'crossEntropy: labels must be in [0, 3); got 7 at position 1 of labels int32[2]',
      );
      expect(() => crossEntropy(logits, negative)).toThrowError(/crossEntropy: .* got -1 at position 0/);
      try {
        crossEntropy(logits, high);
      } catch (e) {
        expect((e as d.IndexError).value).toBe(7);
        expect((e as d.IndexError).op).toBe('crossEntropy');
      }
    }));

  it('negativeLogLikelihood, Embedding and oneHot refuse them too', () =>
    expectNoLeak(() => {
      using logProbs = d.tidy(() => d.logSoftmax(d.tensor(logitRows), -1));
      using bad = d.tensor([3, 0], [2], 'int32');
      expect(() => negativeLogLikelihood(logProbs, bad)).toThrowError(
        /negativeLogLikelihood: labels must be in \[0, 3\); got 3 at position 0/,
      );
      const emb = new Embedding(4, 2, { name: 'tokens' });
      using ids = d.tensor([[1, 4]], [1, 2], 'int32');
      expect(() => emb.forward(ids)).toThrowError(
        "Embedding 'tokens': indices must be in [0, 4); got 4 at position 1 of indices int32[1, 2]",
      );
      using negativeIds = d.tensor([-2], [1], 'int32');
      expect(() => emb.forward(negativeIds)).toThrowError(d.IndexError);
      emb.dispose();
      expect(() => d.oneHot(bad, 3)).toThrowError(/oneHot: indices must be in \[0, 3\); got 3/);
    }));

  it('valid labels still give the reference loss', () =>
    expectNoLeak(async () => {
      using logits = d.tensor(logitRows);
      using labels = d.tensor([0, 2], [2], 'int32');
      using loss = crossEntropy(logits, labels, { reduction: 'none' });
      const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
      expectClose(await values(loss), [lse(logitRows[0]) - 2, lse(logitRows[1]) - 1]);
    }));
});

describe('on an asynchronous backend', () => {
  beforeAll(() => d.setBackend('labels-async'));

  it('does not read at the call; the next read throws, and it is still one read', () =>
    expectNoLeak(async () => {
      using logits = d.tensor(logitRows);
      using labels = d.tensor([0, 7], [2], 'int32');
      calls.clear();
      using loss = crossEntropy(logits, labels); // no throw: the labels are on the device
      expect(calls.get('read') ?? 0).toBe(0);
      await expect(loss.data()).rejects.toThrowError(
        'crossEntropy: labels must be in [0, 3); got 7 (labels int32[2] range over [0, 7])',
      );
      expect(calls.get('read')).toBe(1); // the evidence rode along with the loss's read
      // Once judged, the check is gone: reading again gives the (meaningless) value without an error.
      expect(Number.isFinite(await loss.item())).toBe(true);
    }));

  it('folds the check into readScalars (the training loop read), and negative labels are caught', () =>
    expectNoLeak(async () => {
      using logProbs = d.tidy(() => d.logSoftmax(d.tensor(logitRows), -1));
      using labels = d.tensor([-1, 1], [2], 'int32');
      calls.clear();
      using loss = negativeLogLikelihood(logProbs, labels);
      await expect(d.readScalars([loss])).rejects.toThrowError(
        /negativeLogLikelihood: labels must be in \[0, 3\); got -1/,
      );
      expect(calls.get('read')).toBe(1);
    }));

  it('checks a tensor once, and passes valid labels and embeddings', () =>
    expectNoLeak(async () => {
      using logits = d.tensor(logitRows);
      using labels = d.tensor([0, 2], [2], 'int32');
      calls.clear();
      using a = crossEntropy(logits, labels);
      const reduces = calls.get('reduce') ?? 0;
      using b = crossEntropy(logits, labels); // same labels: no second check
      expect((calls.get('reduce') ?? 0) - reduces).toBe(reduces - 2); // only the loss's own reduction(s)
      expect((await d.readScalars([a, b]))[0]).toBeCloseTo(await b.item(), 6);
      const emb = new Embedding(4, 2);
      using ids = d.tensor([3, 0], [2], 'int32');
      using rows = emb.forward(ids);
      expect((await values(rows)).length).toBe(4);
      using bad = d.tensor([9], [1], 'int32');
      using out = emb.forward(bad);
      await expect(out.data()).rejects.toThrowError(/Embedding: indices must be in \[0, 4\); got 9/);
      emb.dispose();
    }));
});
