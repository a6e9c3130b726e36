// LSTM models: shapes and inputs of the classifier and the regressors, the character vocabulary, and a
// character-level language model that learns a periodic text and samples it back (seeded, repeatable).
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CharLanguageModel,
  CharVocabulary,
  gradientStep,
  lstmClassifier,
  lstmRegressor,
  summary,
} from '../src/index.js';
import { adam, checkLeaksAroundEachTest, expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

describe('sequence models', () => {
  it('lstmClassifier: [N, T, F] -> [N, classes] from the last hidden state; stacked layers', async () => {
    await expectNoLeak(() => {
      const model = lstmClassifier({ inputSize: 3, hiddenSize: 5, classes: 4, layers: 2, rng: new d.Rng(1) });
      expect(model.layers.map((l) => l.name)).toEqual(['lstm1', 'lstm2', 'head']);
      const x = new d.Rng(2).normal([2, 6, 3]);
      const y = model.forward(x);
      expect(y.shape).toEqual([2, 4]);
      // (in + h + 1)·4h per LSTM, (h + 1)·classes for the head.
      expect(model.countParameters()).toBe((3 + 5 + 1) * 20 + (5 + 5 + 1) * 20 + 6 * 4);
      d.dispose([x, y]);
      model.dispose();
    });
  });

  it('lstmClassifier over int32 tokens embeds them first', async () => {
    await expectNoLeak(() => {
      const model = lstmClassifier({ vocabularySize: 7, inputSize: 4, hiddenSize: 5, classes: 2 });
      const tokens = d.tensor([0, 3, 6, 1, 2, 2], [2, 3], 'int32');
      const y = model.forward(tokens);
      expect(y.shape).toEqual([2, 2]);
      const floats = d.tensor([[0.5]]);
      expect(() => model.forward(floats)).toThrow(d.DTypeError);
      d.dispose([tokens, y, floats]);
      model.dispose();
    });
  });

  it('lstmRegressor: many-to-many by default, many-to-one on request', async () => {
    await expectNoLeak(() => {
      const many = lstmRegressor({ inputSize: 2, hiddenSize: 8, outputs: 3 });
      const one = lstmRegressor({ inputSize: 2, hiddenSize: 8, sequenceOutput: false });
      const x = new d.Rng(3).normal([4, 5, 2]);
      const a = many.forward(x);
      const b = one.forward(x);
      expect(a.shape).toEqual([4, 5, 3]);
      expect(b.shape).toEqual([4, 1]);
      expect(summary(many, [4, 5, 2]).outputShape).toEqual([4, 5, 3]);
      d.dispose([x, a, b]);
      many.dispose();
      one.dispose();
    });
  });
});

describe('CharVocabulary', () => {
  it('numbers the distinct characters in sorted order and round-trips text', () => {
    const v = CharVocabulary.fromText('hello, world');
    expect(v.chars).toEqual([' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(Array.from(v.encode('hold'))).toEqual([4, 6, 5, 2]);
    expect(v.decode(v.encode('world, hello'))).toBe('world, hello');
    expect(() => v.encode('hex')).toThrow(/character "x" at 2 is not in the vocabulary/);
    expect(() => v.decode([9])).toThrow(d.ArgumentError);
  });
});

describe('CharLanguageModel', () => {
  it('learns a periodic text and samples it back; the same seed gives the same sample', async () => {
    const text = 'abcde'.repeat(8);
    const vocab = CharVocabulary.fromText(text);
    const model = new CharLanguageModel({
      vocabularySize: vocab.size,
      embeddingSize: 8,
      hiddenSize: 24,
      rng: new d.Rng(4),
    });
    const tokens = d.tensor(vocab.encode(text.slice(0, 21)), [1, 21], 'int32');
    let first = 0;
    let last = 0;
    await expectNoLeak(async () => {
      const optimizer = adam(0.03);
      for (let step = 0; step < 60; step++) {
        const loss = gradientStep(model, () => model.nextTokenLoss(tokens), optimizer);
        const value = await loss.item();
        loss.dispose();
        if (step === 0) first = value;
        last = value;
      }
      optimizer.dispose();
    });
    expect(first).toBeGreaterThan(1.2); // about ln 5 before training
    expect(last).toBeLessThan(0.1);
    await expectNoLeak(async () => {
      const sample = await model.sample({
        prime: vocab.encode('ab'),
        length: 8,
        temperature: 0.5,
        rng: new d.Rng(9),
      });
      expect(vocab.decode(sample)).toBe('cdeabcde');
      const again = await model.sample({
        prime: vocab.encode('ab'),
        length: 8,
        temperature: 2,
        rng: new d.Rng(9),
      });
      const twice = await model.sample({
        prime: vocab.encode('ab'),
        length: 8,
        temperature: 2,
        rng: new d.Rng(9),
      });
      expect(again).toEqual(twice);
    });
    const floats = d.tensor([[1.5]]);
    expect(() => model.forward(floats)).toThrow(/CharLanguageModel.*float32.*expected int32/);
    await expect(model.sample({ prime: [], length: 3 })).rejects.toThrow(/prime needs at least one/);
    d.dispose([tokens, floats]);
    model.dispose();
  });
});
