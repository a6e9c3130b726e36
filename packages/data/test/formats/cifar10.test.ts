import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, DataFormatError, parseCifar10 } from '../../src/index.js';
import { cifarBytes } from './cifar-bytes.js';

describe('parseCifar10', () => {
  it('decodes planar RGB records to NHWC [32, 32, 3] in [0, 1] with int32 labels, across batches', () => {
    const ds = parseCifar10([cifarBytes(3), cifarBytes(2, 3)]);
    expect(ds.length).toBe(5);
    expect(ds.classes).toEqual(CIFAR10_CLASSES);
    const s = ds.get(4);
    expect(s.x.shape).toEqual([32, 32, 3]);
    expect(s.y.data).toEqual(Int32Array.of(4));
    for (const [y, x, c] of [
      [0, 0, 0],
      [5, 7, 2],
      [31, 31, 1],
    ]) {
      expect(s.x.data[(y * 32 + x) * 3 + c]).toBe(Math.fround(((4 + 5 * c + 3 * y + x) % 256) / 255));
    }
  });

  it('rejects truncated batches and labels beyond 9', () => {
    const bytes = cifarBytes(2);
    expect(() => parseCifar10([bytes.subarray(0, 5000)], ['data_batch_1.bin'])).toThrow(
      'parseCifar10: data_batch_1.bin has 5000 bytes; expected a whole number of 3073-byte records (label + 3×32×32 pixels)',
    );
    bytes[3073] = 10;
    expect(() => parseCifar10([bytes])).toThrow(/record 1 has label 10/);
    expect(() => parseCifar10([])).toThrow(DataFormatError);
  });
});
