import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFormatError, gunzip, isGzip } from '../../src/index.js';

describe('gunzip (DecompressionStream, as in browsers)', () => {
  it('round-trips zlib gzip output', async () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) % 251);
    const packed = new Uint8Array(gzipSync(data));
    expect(isGzip(packed)).toBe(true);
    expect(isGzip(data)).toBe(false);
    expect(await gunzip(packed)).toEqual(data);
  });

  it('rejects non-gzip and truncated data with DataFormatError', async () => {
    await expect(gunzip(Uint8Array.of(1, 2, 3), 'a.bin')).rejects.toThrow('gunzip: a.bin is not gzip data');
    const packed = new Uint8Array(gzipSync(new Uint8Array(1000).fill(7)));
    await expect(gunzip(packed.subarray(0, packed.length - 6))).rejects.toThrow(DataFormatError);
  });
});
