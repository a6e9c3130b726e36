/** Reading a file's bytes, decompressing gzip (by its magic number, whatever the file is called). */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip as zlibGunzip } from 'node:zlib';
import { DataFormatError } from '../errors.js';
import { isGzip } from '../formats/gunzip.js';

const gunzipAsync = promisify(zlibGunzip);

export async function readBytes(path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path));
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(await gunzipAsync(bytes));
  } catch (e) {
    throw new DataFormatError(
      'readBytes',
      `${path} is corrupt or truncated gzip data (${(e as Error).message})`,
    );
  }
}
