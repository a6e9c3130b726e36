// Resuming mid-epoch: batches(epoch, from) and seek(epoch, step) give exactly the batches a full epoch
// gives from that point (order and augmentations), without preparing the skipped ones.
import { ArgumentError } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ArrayDataset,
  DataLoader,
  type Dataset,
  gaussianNoise,
  hostTensor,
  type Sample,
} from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

function counted(n: number) {
  const requested: number[] = [];
  const source = new ArrayDataset({
    x: hostTensor(
      Float32Array.from({ length: n }, (_, i) => i),
      [n, 1],
    ),
  });
  const ds: Dataset<Sample<'x'>> = {
    length: n,
    get: async (i) => {
      requested.push(i);
      return source.get(i);
    },
    [Symbol.asyncIterator]: () => source[Symbol.asyncIterator](),
  };
  return { ds, requested };
}

const loaderOf = (ds: Dataset<Sample<'x'>>) =>
  new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 9, transforms: [gaussianNoise({ std: 1 })] });

async function collect(batches: AsyncIterable<{ x: { data(): Promise<ArrayLike<number>> } }>) {
  const out: number[][] = [];
  for await (const b of batches) out.push(Array.from(await b.x.data()));
  return out;
}

describe('DataLoader resuming', () => {
  it('batches(epoch, from) is the tail of the full epoch, augmentations included, skipping the work', async () => {
    await expectNoLeak(async () => {
      const full = await collect(loaderOf(counted(10).ds).batches(2));
      expect(full.length).toBe(4);
      for (const from of [0, 1, 3, 4]) {
        const { ds, requested } = counted(10);
        const tail = await collect({ [Symbol.asyncIterator]: () => loaderOf(ds).batches(2, from) });
        expect(tail, `from ${from}`).toEqual(full.slice(from));
        expect(requested.length, `from ${from}: samples read`).toBe(Math.max(0, 10 - 3 * from));
      }
    });
  });

  it('seek(epoch, step) positions the next loop; later loops go on from epoch + 1 at batch 0', async () => {
    const reference = loaderOf(counted(10).ds);
    const epochs: number[][][] = [];
    for (let e = 0; e < 4; e++) epochs.push(await collect(reference));
    const resumed = loaderOf(counted(10).ds);
    resumed.seek(2, 1);
    expect(resumed.epoch).toBe(2);
    expect(await collect(resumed)).toEqual(epochs[2].slice(1));
    expect(resumed.epoch).toBe(3);
    expect(await collect(resumed)).toEqual(epochs[3]);
  });

  it('refuses a position outside the epoch', () => {
    const loader = loaderOf(counted(10).ds);
    expect(() => loader.seek(-1)).toThrow(ArgumentError);
    expect(() => loader.seek(0, 5)).toThrow(/step must be an integer in \[0, 4\]/);
    expect(() => loader.seek(1.5)).toThrow(/epoch must be an integer/);
  });
});
