/** IDX files (MNIST, Fashion-MNIST), plain or gzipped. */
import { type IdxArray, parseIdx } from '../formats/idx.js';
import { readBytes } from './read-bytes.js';

export async function readIdx(path: string): Promise<IdxArray> {
  return parseIdx(await readBytes(path), path);
}
