/**
 * MNIST-style data sets from their four IDX files. Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, MIT
 * licence) is found where Debian's `dataset-fashion-mnist` package installs it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '@dendrite/core';
import type { ArrayDataset } from '../array-dataset.js';
import { idxImageDataset } from '../formats/idx.js';
import { readIdx } from './idx.js';

/** Where `apt-get install dataset-fashion-mnist` puts the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export interface MnistOptions {
  /** The folder holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte`, gzipped (`.gz`) or not. */
  readonly dir?: string;
  /** `'train'` (60,000 images) or `'test'` (10,000). */
  readonly split?: 'train' | 'test';
}

/** The path of `name` or `name.gz` in `dir`, if either exists. */
function findFile(dir: string, name: string): string | undefined {
  return [join(dir, `${name}.gz`), join(dir, name)].find((p) => existsSync(p));
}

async function loadMnistFiles(
  op: string,
  dir: string,
  split: 'train' | 'test',
  classes: readonly string[],
  howToGet: string,
): Promise<ArrayDataset<'x' | 'y'>> {
  if (split !== 'train' && split !== 'test') {
    throw new ArgumentError(op, `split must be 'train' or 'test', got '${split}'`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const names = [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`];
  const [images, labels] = names.map((n) => findFile(dir, n));
  if (!images || !labels) {
    throw new ArgumentError(
      op,
      `cannot find ${names.map((n) => `${n}(.gz)`).join(' and ')} in ${dir}. ${howToGet}`,
    );
  }
  return idxImageDataset(await readIdx(images), await readIdx(labels), { classes });
}

/**
 * Fashion-MNIST: 28×28 grey images of clothing in 10 classes; `x` float32 `[28, 28, 1]` in [0, 1], `y`
 * the int32 class. Reads `dir`, or Debian's install folder when `dir` is left out.
 */
export function fashionMnist(options: MnistOptions = {}): Promise<ArrayDataset<'x' | 'y'>> {
  return loadMnistFiles(
    'fashionMnist',
    options.dir ?? DEBIAN_FASHION_MNIST_DIR,
    options.split ?? 'train',
    FASHION_MNIST_CLASSES,
    "Install Debian's package (sudo apt-get install dataset-fashion-mnist, which puts them in " +
      `${DEBIAN_FASHION_MNIST_DIR}), or download the four files from ` +
      'https://github.com/zalandoresearch/fashion-mnist and pass their folder: fashionMnist({ dir }).',
  );
}

/** MNIST handwritten digits from the four files in `dir` (same layout as `fashionMnist`). */
export function mnist(options: MnistOptions & { dir: string }): Promise<ArrayDataset<'x' | 'y'>> {
  return loadMnistFiles(
    'mnist',
    options.dir,
    options.split ?? 'train',
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    'Download the four files from https://yann.lecun.com/exdb/mnist/ (or a mirror) and pass their folder: mnist({ dir }).',
  );
}
