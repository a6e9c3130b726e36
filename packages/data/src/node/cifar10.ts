/** CIFAR-10 binary batches from files, or the whole set from its extracted folder. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '@dendrite/core';
import type { ArrayDataset } from '../array-dataset.js';
import { parseCifar10 } from '../formats/cifar10.js';
import { readBytes } from './read-bytes.js';

/** One data set from the given batch files (plain or gzipped), in order. */
export async function readCifar10(paths: string | readonly string[]): Promise<ArrayDataset<'x' | 'y'>> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  return parseCifar10(await Promise.all(list.map(readBytes)), list);
}

export interface Cifar10Options {
  /** The folder `cifar-10-batches-bin` extracted from `cifar-10-binary.tar.gz` (or the one holding it). */
  readonly dir: string;
  /** `'train'` (`data_batch_1.bin`…`data_batch_5.bin`, 50,000 images) or `'test'` (10,000). */
  readonly split?: 'train' | 'test';
}

export async function cifar10(options: Cifar10Options): Promise<ArrayDataset<'x' | 'y'>> {
  const split = options.split ?? 'train';
  const names = split === 'test' ? ['test_batch.bin'] : [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  for (const dir of [options.dir, join(options.dir, 'cifar-10-batches-bin')]) {
    const paths = names.map((n) => join(dir, n));
    if (paths.every((p) => existsSync(p))) return readCifar10(paths);
  }
  throw new ArgumentError(
    'cifar10',
    `no CIFAR-10 ${split} batches (${names.join(', ')}) in ${options.dir}; download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, extract it, and pass its folder as dir`,
  );
}
