/**
 * Loads the bundled 8×8 handwritten digits (datasets/digits.csv.gz). A stand-in until @dendrite/data
 * ships its own loaders.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface Digits {
  /** [n, 64] pixel values scaled to [0, 1] */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

export function loadDigits(path = new URL('../../datasets/digits.csv.gz', import.meta.url)): Digits {
  const rows = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
  const images = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    const cells = row.split(',').map(Number);
    if (cells.length !== 65)
      throw new Error(`digits.csv.gz: row ${r + 1} has ${cells.length} values, expected 65`);
    for (let i = 0; i < 64; i++) images[r * 64 + i] = cells[i] / 16;
    labels[r] = cells[64];
  });
  return { images, labels, count: rows.length };
}
