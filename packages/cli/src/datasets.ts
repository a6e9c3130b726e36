/**
 * The `--data` argument: a bundled set (digits, iris), Fashion-MNIST (Debian's files), a synthetic set
 * (xor, spirals, moons, circles, blobs), or a path (a `.csv` file whose last column is the label, or a
 * folder of PNG images in one sub-folder per class). Each is split into training, validation and test
 * parts, seeded and stratified; tabular features are standardised with training statistics.
 */
import { readFileSync, statSync } from 'node:fs';
import { ArgumentError } from '@dendrite/core';
import {
  type ArrayDataset,
  blobs,
  circles,
  type Dataset,
  fitStandardize,
  moons,
  type Sample,
  Subset,
  splitDataset,
  type Transform,
  twoSpirals,
  xor,
} from '@dendrite/data';
import { digits, fashionMnist, imageFolder, iris, readCsv } from '@dendrite/data/node';

type Examples = Dataset<Sample<'x' | 'y'>>;

export interface PreparedData {
  readonly name: string;
  readonly train: Examples;
  readonly validation: Examples;
  readonly test: Examples;
  /** One example's shape (`[8, 8, 1]`, `[4]`…). */
  readonly exampleShape: number[];
  readonly classes: number;
  readonly classNames?: readonly string[];
  /** Applied to every part (feature standardisation for tabular data). */
  readonly transforms: Transform[];
}

export const DATA_NAMES = ['digits', 'iris', 'fashion-mnist', 'xor', 'spirals', 'moons', 'circles', 'blobs'];

export interface LoadDataOptions {
  readonly seed: number;
  /** Use at most this many training examples (the first of the shuffled training part). */
  readonly limit?: number;
}

const SYNTHETIC: Record<string, (seed: number) => ArrayDataset<'x' | 'y'>> = {
  xor: (seed) => xor({ size: 800, noise: 0.15, seed }),
  spirals: (seed) => twoSpirals({ size: 1000, noise: 0.05, seed }),
  moons: (seed) => moons({ size: 1000, noise: 0.1, seed }),
  circles: (seed) => circles({ size: 1000, noise: 0.05, factor: 0.5, seed }),
  blobs: (seed) => blobs({ size: 1000, centers: 4, features: 2, seed }),
};

function labelsOf(ds: ArrayDataset<'x' | 'y'>): Int32Array {
  return ds.columns.y.data as Int32Array;
}

function classCount(labels: ArrayLike<number>, names?: readonly string[]): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]);
  return Math.max(max + 1, names?.length ?? 0);
}

async function loadAll(
  spec: string,
  seed: number,
): Promise<{ all: Examples; labels: ArrayLike<number>; names?: readonly string[]; tabular: boolean }> {
  if (spec === 'digits') {
    const ds = await digits({ layout: 'image' });
    return { all: ds, labels: labelsOf(ds), names: ds.classes, tabular: false };
  }
  if (spec === 'iris') {
    const ds = await iris();
    return { all: ds, labels: labelsOf(ds), names: ds.classes, tabular: true };
  }
  const synthetic = SYNTHETIC[spec];
  if (synthetic) {
    const ds = synthetic(seed);
    return { all: ds, labels: labelsOf(ds), names: ds.classes, tabular: true };
  }
  let isDir: boolean;
  try {
    isDir = statSync(spec).isDirectory();
  } catch {
    throw new ArgumentError(
      '--data',
      `'${spec}' is neither a data set (${DATA_NAMES.join(', ')}) nor an existing file or folder`,
    );
  }
  if (isDir) {
    const ds = await imageFolder(spec);
    if (ds.length === 0) throw new ArgumentError('--data', `no PNG images in the class folders of ${spec}`);
    return { all: ds, labels: ds.labels, names: ds.classes, tabular: false };
  }
  if (/\.csv$/i.test(spec)) {
    const ds = await readCsv(spec, { labelColumn: -1, header: hasHeader(spec) });
    return { all: ds, labels: labelsOf(ds), names: ds.classes, tabular: true };
  }
  throw new ArgumentError('--data', `'${spec}' must be a .csv file or a folder of PNG images by class`);
}

/** A CSV file starts with a header when a feature of its first line is not a number. */
function hasHeader(path: string): boolean {
  const first = readFileSync(path, 'utf8').split(/\r?\n/, 1)[0] ?? '';
  const features = first.split(',').slice(0, -1);
  return features.some((f) => f.trim() === '' || Number.isNaN(Number(f.replace(/"/g, ''))));
}

/** Loads `spec` and splits it 70/15/15 (Fashion-MNIST: its own test set, 50,000/10,000 for the rest). */
export async function loadData(spec: string, options: LoadDataOptions): Promise<PreparedData> {
  const { seed } = options;
  let train: Examples;
  let validation: Examples;
  let test: Examples;
  let classes: number;
  let names: readonly string[] | undefined;
  let tabular = false;
  if (spec === 'fashion-mnist') {
    const [all, testSet] = await Promise.all([
      fashionMnist({ split: 'train' }),
      fashionMnist({ split: 'test' }),
    ]);
    const parts = splitDataset(all, { train: 5 / 6, validation: 1 / 6 }, { seed, stratify: labelsOf(all) });
    ({ train, validation } = parts);
    test = testSet;
    names = all.classes;
    classes = classCount(labelsOf(all), names);
  } else {
    const loaded = await loadAll(spec, seed);
    const parts = splitDataset(
      loaded.all,
      { train: 0.7, validation: 0.15, test: 0.15 },
      { seed, stratify: loaded.labels },
    );
    ({ train, validation, test } = parts);
    names = loaded.names;
    classes = classCount(loaded.labels, names);
    tabular = loaded.tabular;
  }
  if (options.limit !== undefined && options.limit < train.length) {
    train = new Subset(
      train,
      Array.from({ length: options.limit }, (_, i) => i),
    );
  }
  const first = await train.get(0);
  const transforms = tabular ? [await fitStandardize(train)] : [];
  return {
    name: spec,
    train,
    validation,
    test,
    exampleShape: [...first.x.shape],
    classes,
    classNames: names,
    transforms,
  };
}
