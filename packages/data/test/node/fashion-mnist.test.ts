import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ArgumentError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  fashionMnist,
  mnist,
} from '../../src/node/index.js';
import { mnistLike } from '../formats/idx-bytes.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('fashion');

describe('fashionMnist and mnist from a folder', () => {
  it('read the gzipped test files (Debian layout) and the plain train files', async () => {
    const test = mnistLike(7, 28, 28);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(test.images));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(test.labels));
    const train = mnistLike(3, 28, 28);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), train.images);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), train.labels);

    const ds = await fashionMnist({ dir, split: 'test' });
    expect(ds.length).toBe(7);
    expect(ds.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(ds.columns.x.shape).toEqual([7, 28, 28, 1]);
    expect(Array.from(ds.get(6).x.data.subarray(0, 5))).toEqual(
      test.pixels.slice(6 * 784, 6 * 784 + 5).map((p) => Math.fround(p / 255)),
    );
    expect((await fashionMnist({ dir })).length).toBe(3);
    expect((await mnist({ dir, split: 'test' })).classes).toHaveLength(10);
  });

  it('says how to get the files when they are missing', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(fashionMnist({ dir: empty })).rejects.toThrow(ArgumentError);
    await expect(fashionMnist({ dir: empty, split: 'test' })).rejects.toThrow(
      `fashionMnist: cannot find t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz) in ${empty}. Install Debian's package (sudo apt-get install dataset-fashion-mnist`,
    );
    await expect(fashionMnist({ dir: empty })).rejects.toThrow(
      /or download the four files from .* and pass their folder: fashionMnist\(\{ dir \}\)/,
    );
    await expect(mnist({ dir: empty })).rejects.toThrow(/mnist: cannot find train-images-idx3-ubyte/);
    await expect(fashionMnist({ dir, split: 'validation' as 'test' })).rejects.toThrow(ArgumentError);
  });
});

const installed = existsSync(join(DEBIAN_FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz'));

describe("Fashion-MNIST from Debian's dataset-fashion-mnist package", () => {
  it.skipIf(!installed)(
    `loads the real test set: 10,000 images of 28×28 in 10 classes (skipped: ${DEBIAN_FASHION_MNIST_DIR} absent; apt-get install dataset-fashion-mnist)`,
    async () => {
      const ds = await fashionMnist({ split: 'test' });
      expect(ds.length).toBe(10000);
      expect(ds.columns.x.shape).toEqual([10000, 28, 28, 1]);
      const counts = new Array(10).fill(0);
      for (const y of ds.columns.y.data) counts[y]++;
      expect(counts).toEqual(new Array(10).fill(1000));
      const x = ds.columns.x.data;
      expect(Math.min(...x.subarray(0, 784 * 100))).toBe(0);
      expect(Math.max(...x.subarray(0, 784 * 100))).toBe(1);
    },
  );
});
