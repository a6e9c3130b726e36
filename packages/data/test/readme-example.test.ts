import { memory } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader, fitStandardize, oneHot, splitDataset } from '../src/index.js';
import { digits } from '../src/node/index.js';
import { useCpu } from './helpers.js';

beforeAll(() => useCpu());

describe('the README example', () => {
  it('runs: stratified split, standardise fitted on train, one-hot, an epoch of batches without leaks', async () => {
    const all = await digits();
    const { train, test } = splitDataset(
      all,
      { train: 0.8, test: 0.2 },
      { seed: 1, stratify: all.columns.y.data },
    );
    expect(train.length + test.length).toBe(1797);
    expect(Math.abs(test.length - 0.2 * 1797)).toBeLessThanOrEqual(10); // rounded per class
    const standardize = await fitStandardize(train);
    const loader = new DataLoader(train, {
      batchSize: 64,
      shuffle: true,
      seed: 1,
      transforms: [standardize, oneHot({ classes: 10 })],
    });
    const before = memory();
    let seen = 0;
    for await (const { x, y } of loader) {
      expect([x.shape[1], y.shape[1], y.dtype]).toEqual([64, 10, 'float32']);
      seen += x.shape[0];
    }
    expect(seen).toBe(train.length);
    expect([memory().tensors, memory().bytes]).toEqual([before.tensors, before.bytes]);
  });
});
