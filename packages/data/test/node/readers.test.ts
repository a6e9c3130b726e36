import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ArgumentError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../../src/index.js';
import { cifar10, readBytes, readCifar10, readCsv, readIdx } from '../../src/node/index.js';
import { cifarBytes } from '../formats/cifar-bytes.js';
import { idxBytes } from '../formats/idx-bytes.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('readers');

describe('readBytes', () => {
  it('returns plain files as they are and decompresses gzip by its magic number', async () => {
    const data = Uint8Array.of(9, 8, 7);
    writeFileSync(join(dir, 'plain.bin'), data);
    writeFileSync(join(dir, 'packed.bin'), gzipSync(data));
    expect(await readBytes(join(dir, 'plain.bin'))).toEqual(data);
    expect(await readBytes(join(dir, 'packed.bin'))).toEqual(data);
    writeFileSync(join(dir, 'broken.gz'), gzipSync(new Uint8Array(500)).subarray(0, 20));
    await expect(readBytes(join(dir, 'broken.gz'))).rejects.toThrow(DataFormatError);
  });
});

describe('readIdx', () => {
  it('reads plain and gzipped IDX files', async () => {
    const bytes = idxBytes(0x08, [2, 2], [1, 2, 3, 4]);
    writeFileSync(join(dir, 'a-idx2-ubyte'), bytes);
    writeFileSync(join(dir, 'a-idx2-ubyte.gz'), gzipSync(bytes));
    for (const name of ['a-idx2-ubyte', 'a-idx2-ubyte.gz']) {
      const idx = await readIdx(join(dir, name));
      expect(idx.shape).toEqual([2, 2]);
      expect(Array.from(idx.data)).toEqual([1, 2, 3, 4]);
    }
  });

  it('names the file when it is truncated or has a wrong magic number', async () => {
    const path = join(dir, 'short.gz');
    writeFileSync(path, gzipSync(idxBytes(0x08, [4, 4], new Array(16).fill(0)).subarray(0, 20)));
    await expect(readIdx(path)).rejects.toThrow(`${path} declares uint8 [4, 4]`);
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, Uint8Array.of(1, 2, 3, 4, 5));
    await expect(readIdx(wrong)).rejects.toThrow(DataFormatError);
  });
});

describe('CIFAR-10 files', () => {
  it('readCifar10 joins batch files in order', async () => {
    writeFileSync(join(dir, 'b1.bin'), cifarBytes(2));
    writeFileSync(join(dir, 'b2.bin.gz'), gzipSync(cifarBytes(3, 2)));
    const ds = await readCifar10([join(dir, 'b1.bin'), join(dir, 'b2.bin.gz')]);
    expect(ds.length).toBe(5);
    expect(Array.from(ds.columns.y.data)).toEqual([0, 1, 2, 3, 4]);
    writeFileSync(join(dir, 'bad.bin'), cifarBytes(1).subarray(0, 3000));
    await expect(readCifar10(join(dir, 'bad.bin'))).rejects.toThrow(`${join(dir, 'bad.bin')} has 3000 bytes`);
  });

  it('cifar10({ dir }) finds the train and test batches, also one folder down', async () => {
    const root = join(dir, 'cifar');
    const batches = join(root, 'cifar-10-batches-bin');
    mkdirSync(batches, { recursive: true });
    for (let i = 1; i <= 5; i++) writeFileSync(join(batches, `data_batch_${i}.bin`), cifarBytes(1, i));
    writeFileSync(join(batches, 'test_batch.bin'), cifarBytes(2));
    const train = await cifar10({ dir: root });
    expect(Array.from(train.columns.y.data)).toEqual([1, 2, 3, 4, 5]);
    expect((await cifar10({ dir: batches, split: 'test' })).length).toBe(2);
    await expect(cifar10({ dir })).rejects.toThrow(ArgumentError);
    await expect(cifar10({ dir })).rejects.toThrow(/cifar-10-binary.tar.gz/);
  });
});

describe('readCsv', () => {
  it('reads plain and gzipped CSV files, naming the file in errors', async () => {
    writeFileSync(join(dir, 't.csv'), 'a,b,label\n1,2,x\n3,4,y\n');
    writeFileSync(join(dir, 't.csv.gz'), gzipSync('a,b,label\n1,2,x\n3,4,y\n'));
    for (const name of ['t.csv', 't.csv.gz']) {
      const ds = await readCsv(join(dir, name), { header: true, labelColumn: 'label' });
      expect(Array.from(ds.columns.x.data)).toEqual([1, 2, 3, 4]);
      expect(ds.classes).toEqual(['x', 'y']);
    }
    writeFileSync(join(dir, 'ragged.csv'), '1,2\n3\n');
    await expect(readCsv(join(dir, 'ragged.csv'))).rejects.toThrow(
      `${join(dir, 'ragged.csv')} line 2 has 1 fields`,
    );
  });
});
