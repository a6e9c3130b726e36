import { gzipSync } from 'node:zlib';
import { ArgumentError, DTypeError, ShapeError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import { DataFormatError, idxImageDataset, parseIdx } from '../../src/index.js';
import { idxBytes, mnistLike } from './idx-bytes.js';

describe('parseIdx', () => {
  it('reads every IDX type, big-endian, with its shape', () => {
    const cases: [number, string, number[]][] = [
      [0x08, 'uint8', [0, 7, 255]],
      [0x09, 'int8', [-128, 0, 127]],
      [0x0b, 'int16', [-30000, 1, 258]],
      [0x0c, 'int32', [-2_000_000_000, 1, 65536]],
      [0x0d, 'float32', [0.5, -1.25, 3e10]],
      [0x0e, 'float64', [Math.PI, -1e-300, 2]],
    ];
    for (const [code, type, values] of cases) {
      const parsed = parseIdx(idxBytes(code, [1, 3], values));
      expect(parsed.type).toBe(type);
      expect(parsed.shape).toEqual([1, 3]);
      expect(Array.from(parsed.data)).toEqual(type === 'float32' ? values.map(Math.fround) : values);
    }
  });

  it('reads MNIST-like images and labels into a data set of [H, W, 1] in [0, 1] and int32 labels', () => {
    const { images, labels, pixels } = mnistLike(12, 4, 3);
    const ds = idxImageDataset(parseIdx(images), parseIdx(labels), { classes: ['a'] });
    expect(ds.length).toBe(12);
    const s = ds.get(5);
    expect(s.x.shape).toEqual([4, 3, 1]);
    expect(Array.from(s.x.data)).toEqual(pixels.slice(60, 72).map((p) => Math.fround(p / 255)));
    expect(s.y.data).toEqual(Int32Array.of(5));
    expect(ds.classes).toEqual(['a']);
  });

  it('throws DataFormatError (an ArgumentError) for a wrong magic number, naming what it found', () => {
    const bytes = idxBytes(0x08, [2], [1, 2]);
    bytes[2] = 0x07;
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(DataFormatError);
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(ArgumentError);
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(/x.idx has magic number 00 00 07 01; expected 00 00/);
    const pk = Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0, 0);
    expect(() => parseIdx(pk)).toThrow(/magic number 50 4b 03 04/);
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 0))).toThrow(DataFormatError); // zero dimensions
  });

  it('throws for truncated files: no header, a short dimension list, missing data, extra bytes', () => {
    const full = idxBytes(0x08, [3, 2, 2], new Array(12).fill(1));
    expect(() => parseIdx(full.subarray(0, 2))).toThrow(/truncated: 2 bytes/);
    expect(() => parseIdx(full.subarray(0, 10))).toThrow(/3 dimensions need a 16-byte header, got 10 bytes/);
    expect(() => parseIdx(full.subarray(0, full.length - 1), 't.idx')).toThrow(
      't.idx declares uint8 [3, 2, 2] (28 bytes with its header) but has 27 bytes: truncated',
    );
    expect(() => parseIdx(Uint8Array.from([...full, 0]))).toThrow(/but has 29 bytes/);
  });

  it('points gzip data to gunzip instead of misreading it', () => {
    expect(() => parseIdx(new Uint8Array(gzipSync(idxBytes(0x08, [1], [1]))))).toThrow(/gzip-compressed/);
  });

  it('idxImageDataset checks types and that images and labels agree', () => {
    const { images, labels } = mnistLike(3, 2, 2);
    const fewer = idxBytes(0x08, [2], [0, 1]);
    expect(() => idxImageDataset(parseIdx(images), parseIdx(fewer))).toThrow(ShapeError);
    expect(() => idxImageDataset(parseIdx(labels), parseIdx(labels))).toThrow(ShapeError);
    expect(() =>
      idxImageDataset(parseIdx(idxBytes(0x0d, [1, 1, 1], [0.5])), parseIdx(idxBytes(0x08, [1], [0]))),
    ).toThrow(DTypeError);
  });
});
