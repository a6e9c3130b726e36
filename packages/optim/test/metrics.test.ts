// Accuracy helpers against counts done by hand: class indices, one-hot rows, binary thresholds.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, binaryAccuracy } from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

const logits = () =>
  d.tensor([
    [2, 1, 0], // class 0
    [0, 3, 1], // class 1
    [1, 0, 5], // class 2
    [4, 0, 1], // class 0
  ]);

describe('metrics', () => {
  it('accuracy from integer labels and from one-hot rows', () =>
    expectNoLeak(async () => {
      const out = logits();
      const labels = d.tensor([0, 1, 1, 0], [4], 'int32'); // 3 of 4 right
      const oneHot = d.oneHot(labels, 3);
      const byLabel = accuracy((b: d.Tensor) => b)(out, labels);
      const byRow = accuracy((b: d.Tensor) => b)(out, oneHot);
      expect(await byLabel.item()).toBe(0.75);
      expect(await byRow.item()).toBe(0.75);
      const wrong = d.tensor([0, 1], [2], 'int32');
      expect(() => accuracy((b: d.Tensor) => b)(out, wrong)).toThrowError(/accuracy: output float32\[4, 3\]/);
      d.dispose([out, labels, oneHot, byLabel, byRow, wrong]);
    }));

  it('binary accuracy for probabilities and logits', () =>
    expectNoLeak(async () => {
      const probs = d.tensor([[0.9], [0.2], [0.6], [0.4]]);
      const target = d.tensor([1, 0, 0, 0]); // 3 of 4 right; target shape differs, size matches
      const a = binaryAccuracy((b: d.Tensor) => b)(probs, target);
      const logitsOut = d.tensor([[2], [-1], [-0.5], [-3]]);
      const l = binaryAccuracy((b: d.Tensor) => b, 0)(logitsOut, target);
      expect(await a.item()).toBe(0.75);
      expect(await l.item()).toBe(1);
      d.dispose([probs, target, logitsOut, a, l]);
    }));
});
