/** CSV files, plain or gzipped. */
import type { ArrayDataset } from '../array-dataset.js';
import { type CsvOptions, parseCsv } from '../formats/csv.js';
import { readBytes } from './read-bytes.js';

export async function readCsv(
  path: string,
  options: CsvOptions & { labelColumn: number | string },
): Promise<ArrayDataset<'x' | 'y'>>;
export async function readCsv(path: string, options?: CsvOptions): Promise<ArrayDataset<'x'>>;
export async function readCsv(
  path: string,
  options: CsvOptions = {},
): Promise<ArrayDataset<'x' | 'y'> | ArrayDataset<'x'>> {
  const text = new TextDecoder().decode(await readBytes(path));
  return parseCsv(text, { source: path, ...options });
}
