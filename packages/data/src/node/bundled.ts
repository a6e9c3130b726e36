/** The data sets shipped in this package's `datasets/` folder, read from beside the installed code. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError } from '@dendrite/core';
import type { ArrayDataset } from '../array-dataset.js';
import { type DigitsOptions, parseDigits, parseIris } from '../formats/bundled.js';
import { readBytes } from './read-bytes.js';

/** `datasets/<name>` of this package: two levels up from `src/node/` and from `dist/node/`. */
function bundledPath(name: string): string {
  const candidates = ['../../datasets/', '../datasets/'].map((dir) =>
    fileURLToPath(new URL(dir + name, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new ArgumentError(
      '@dendrite/data',
      `the bundled file datasets/${name} is missing (looked at ${candidates.join(', ')})`,
    );
  }
  return found;
}

async function bundledText(name: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(bundledPath(name)));
}

/** The 8×8 handwritten digits: 1797 samples, 10 classes (see `parseDigits` for the options). */
export async function digits(options: DigitsOptions = {}): Promise<ArrayDataset<'x' | 'y'>> {
  return parseDigits(await bundledText('digits.csv.gz'), options);
}

/** Fisher's Iris: 150 samples, 4 features, 3 classes. */
export async function iris(): Promise<ArrayDataset<'x' | 'y'>> {
  return parseIris(await bundledText('iris.csv'));
}
