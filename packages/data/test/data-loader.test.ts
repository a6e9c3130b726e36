import { ArgumentError, add, mean, memory, ShapeError, tidy } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ArrayDataset,
  DataLoader,
  type Dataset,
  gaussianNoise,
  hostTensor,
  label,
  oneHot,
  type Sample,
} from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

/** Sample i: x = [i, -i] (float32), y = i mod 3 (int32). */
function numbered(n: number): ArrayDataset<'x' | 'y'> {
  return new ArrayDataset({
    x: hostTensor(
      Float32Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? j / 2 : -(j - 1) / 2)),
      [n, 2],
    ),
    y: hostTensor(
      Int32Array.from({ length: n }, (_, i) => i % 3),
      [n],
    ),
  });
}

/** The x[:, 0] of each batch of an epoch (reads before the loader disposes the batch). */
async function firstColumns(loader: AsyncIterable<{ x: { data(): Promise<ArrayLike<number>> } }>) {
  const out: number[][] = [];
  for await (const batch of loader) {
    const x = Array.from(await batch.x.data());
    out.push(x.filter((_, j) => j % 2 === 0));
  }
  return out;
}

describe('DataLoader', () => {
  it('yields tensors of [batch, ...] with the fields dtypes, the last batch smaller', async () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const shapes: unknown[] = [];
    for await (const { x, y } of loader) shapes.push([x.shape, x.dtype, y.shape, y.dtype]);
    expect(shapes).toEqual([
      [[4, 2], 'float32', [4], 'int32'],
      [[4, 2], 'float32', [4], 'int32'],
      [[2, 2], 'float32', [2], 'int32'],
    ]);
  });

  it('keeps index order without shuffle and holds the right values', async () => {
    const loader = new DataLoader(numbered(5), { batchSize: 2 });
    expect(await firstColumns(loader)).toEqual([[0, 1], [2, 3], [4]]);
    for await (const { x, y } of new DataLoader(numbered(3), { batchSize: 3 })) {
      expect(await x.array()).toEqual([
        [0, -0],
        [1, -1],
        [2, -2],
      ]);
      expect(await y.array()).toEqual([0, 1, 2]);
    }
  });

  it('drops the short last batch with dropLast', async () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect((await firstColumns(loader)).map((b) => b.length)).toEqual([4, 4]);
    expect(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }).length).toBe(0);
  });

  it('shuffles with its seed: every sample once per epoch, a new order each epoch, the same for the same seed', async () => {
    const a = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 7 });
    const b = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 7 });
    const c = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 8 });
    const a0 = (await firstColumns(a)).flat();
    const a1 = (await firstColumns(a)).flat();
    expect([...a0].sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a0).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a1).not.toEqual(a0);
    expect((await firstColumns(b)).flat()).toEqual(a0);
    expect((await firstColumns(b)).flat()).toEqual(a1);
    expect((await firstColumns(c)).flat()).not.toEqual(a0);
    expect(Array.from(a.order(0))).toEqual(a0);
    expect(a.epoch).toBe(2);
  });

  it('reproduces any epoch on its own with batches(epoch), for resuming a run', async () => {
    const fresh = new DataLoader(numbered(12), { batchSize: 5, shuffle: true, seed: 3 });
    const ran = new DataLoader(numbered(12), { batchSize: 5, shuffle: true, seed: 3 });
    for (let e = 0; e < 3; e++) await firstColumns(ran);
    const third = await firstColumns({ [Symbol.asyncIterator]: () => fresh.batches(2) });
    expect(third).toEqual(await firstColumns({ [Symbol.asyncIterator]: () => ran.batches(2) }));
    expect(Array.from(fresh.order(2))).toEqual(third.flat());
  });

  it('applies transforms per sample with its seeded stream: same seed, same augmented batches', async () => {
    const transforms = [gaussianNoise({ std: 0.5 }), oneHot({ classes: 3 })];
    const epochOf = async (seed: number) => {
      const loader = new DataLoader(numbered(7), { batchSize: 3, shuffle: true, seed, transforms });
      const out: number[][] = [];
      for await (const { x, y } of loader) {
        expect(y.shape).toEqual([x.shape[0], 3]);
        expect(y.dtype).toBe('float32');
        out.push(Array.from(await x.data()));
      }
      return out;
    };
    const first = await epochOf(11);
    expect(await epochOf(11)).toEqual(first);
    expect(await epochOf(12)).not.toEqual(first);
  });

  it("batches fields that transforms add (a denoiser's noisy input next to the clean one)", async () => {
    const transforms = [gaussianNoise({ std: 0.1, as: 'noisy' })];
    const loader = new DataLoader<'x' | 'y', 'x' | 'y' | 'noisy'>(numbered(4), { batchSize: 4, transforms });
    for await (const { x, noisy } of loader) {
      expect(noisy.shape).toEqual(x.shape);
      const [clean, perturbed] = [Array.from(await x.data()), Array.from(await noisy.data())];
      expect(perturbed).not.toEqual(clean);
      perturbed.forEach((v, i) => {
        expect(Math.abs(v - clean[i])).toBeLessThan(0.6);
      });
    }
  });

  it('gives each batch its own random stream, so prefetch depth does not change augmentations', async () => {
    const transforms = [gaussianNoise({ std: 1 })];
    const run = async (prefetch: number) => {
      const loader = new DataLoader(
        slowDataset(numbered(9), () => Math.random() * 3),
        {
          batchSize: 2,
          transforms,
          seed: 5,
          prefetch,
        },
      );
      return firstColumns(loader);
    };
    const reference = await run(0);
    expect(await run(1)).toEqual(reference);
    expect(await run(3)).toEqual(reference);
  });

  it('prefetches the next batch while the consumer holds the current one', async () => {
    const requested: number[] = [];
    const source = numbered(8);
    const ds: Dataset<Sample<'x' | 'y'>> = {
      length: 8,
      get: async (i) => {
        requested.push(i);
        return source.get(i);
      },
      [Symbol.asyncIterator]: () => source[Symbol.asyncIterator](),
    };
    const onDemand: number[][] = [];
    const ahead: number[][] = [];
    for (const [prefetch, log] of [
      [0, onDemand],
      [1, ahead],
    ] as const) {
      requested.length = 0;
      for await (const _ of new DataLoader(ds, { batchSize: 2, prefetch })) {
        await new Promise((r) => setTimeout(r, 1)); // the consumer's work
        log.push([...requested]);
      }
    }
    expect(onDemand[0]).toEqual([0, 1]); // nothing read beyond the batch in use
    expect(ahead[0]).toEqual([0, 1, 2, 3]); // batch 1 read while batch 0 is in use
    expect(ahead[3]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('works with data sets whose get is asynchronous and slow', async () => {
    const loader = new DataLoader(
      slowDataset(numbered(6), () => 2),
      { batchSize: 4 },
    );
    expect(await firstColumns(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5],
    ]);
  });

  describe('ownership: the loader disposes each batch when the next is asked for', () => {
    it('leaks nothing over full epochs (tensors and backend bytes back to baseline)', async () => {
      const loader = new DataLoader(numbered(50), {
        batchSize: 8,
        shuffle: true,
        transforms: [oneHot({ classes: 3 })],
      });
      await expectNoLeak(async () => {
        for (let epoch = 0; epoch < 2; epoch++) {
          let live = 0;
          for await (const { x, y } of loader) {
            live = Math.max(live, memory().tensors);
            const loss = tidy(() => mean(add(x, y.shape[1] === 3 ? 1 : 0)));
            await loss.data();
            loss.dispose();
          }
          expect(live).toBeGreaterThan(0);
        }
      });
    });

    it('holds only the current batch at a time', async () => {
      const before = memory().tensors;
      const counts: number[] = [];
      for await (const _ of new DataLoader(numbered(20), { batchSize: 4, prefetch: 2 }))
        counts.push(memory().tensors - before);
      expect(counts).toEqual([2, 2, 2, 2, 2]);
    });

    it('disposes the batch in use on break and on an error in the loop body', async () => {
      await expectNoLeak(async () => {
        for await (const _ of new DataLoader(numbered(20), { batchSize: 4 })) break;
      });
      await expectNoLeak(async () => {
        await expect(async () => {
          for await (const _ of new DataLoader(numbered(20), { batchSize: 4 }))
            throw new Error('step failed');
        }).rejects.toThrow('step failed');
      });
    });

    it('survives a tidy around the loop body and a consumer that disposes batches itself', async () => {
      await expectNoLeak(async () => {
        for await (const batch of new DataLoader(numbered(9), { batchSize: 4 })) {
          await tidy(async () => {
            const m = mean(batch.x);
            await m.data();
          });
          expect(batch.x.isDisposed).toBe(false);
          batch.x.dispose();
        }
      });
    });
  });

  it('reports bad options, mismatched samples and failing reads with typed errors, without leaking', async () => {
    expect(() => new DataLoader(numbered(4), { batchSize: 0 })).toThrow(ArgumentError);
    expect(() => new DataLoader(numbered(4), { prefetch: -1 })).toThrow(ArgumentError);
    expect(() => new DataLoader(numbered(4), { seed: Number.NaN })).toThrow(ArgumentError);
    const ragged: Dataset<Sample<'x' | 'y'>> = {
      length: 2,
      get: (i) => ({ x: hostTensor(new Float32Array(i + 1)), y: label(0) }),
      [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
    };
    await expectNoLeak(async () => {
      await expect(firstColumns(new DataLoader(ragged, { batchSize: 2 }))).rejects.toThrow(ShapeError);
    });
    const failing = slowDataset(numbered(6), () => 0, 5);
    await expectNoLeak(async () => {
      await expect(firstColumns(new DataLoader(failing, { batchSize: 2 }))).rejects.toThrow(
        'cannot read sample 5',
      );
    });
    await expectNoLeak(async () => {
      const loader = new DataLoader(numbered(4), { batchSize: 2, transforms: [oneHot({ classes: 1 })] });
      await expect(firstColumns(loader)).rejects.toThrow(/oneHot: class index 1 is outside \[0, 1\)/);
    });
  });
});

/** `source` behind an asynchronous `get` that takes `delay()` ms; reading sample `failAt` fails. */
function slowDataset<K extends string>(
  source: ArrayDataset<K>,
  delay: () => number,
  failAt = -1,
): Dataset<Sample<K>> {
  return {
    length: source.length,
    get: (i) =>
      new Promise((resolve, reject) =>
        setTimeout(
          () => (i === failAt ? reject(new Error(`cannot read sample ${i}`)) : resolve(source.get(i))),
          delay(),
        ),
      ),
    [Symbol.asyncIterator]: () => source[Symbol.asyncIterator](),
  };
}
