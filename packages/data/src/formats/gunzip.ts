/** gzip in any runtime: the web's DecompressionStream (browsers, Deno, Node >= 18). */
import { ArgumentError } from '@dendrite/core';
import { DataFormatError } from '../errors.js';

/** Whether `bytes` start with gzip's magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The decompressed contents of gzip `bytes`. `source` names the data in errors. */
export async function gunzip(bytes: Uint8Array, source = 'data'): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new ArgumentError(
      'gunzip',
      'this runtime has no DecompressionStream; decompress the file first, or read it with @dendrite/data/node',
    );
  }
  if (!isGzip(bytes))
    throw new DataFormatError('gunzip', `${source} is not gzip data (no 1f 8b magic number)`);
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataFormatError(
      'gunzip',
      `${source} is corrupt or truncated gzip data (${(e as Error).message})`,
    );
  }
}
