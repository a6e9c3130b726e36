import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '@dendrite/core';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError, DataLoader, materialize } from '../../src/index.js';
import { imageFolder } from '../../src/node/index.js';
import { expectNoLeak, tempDir, useCpu } from '../helpers.js';

beforeAll(() => useCpu());

/** Pixel (x, y) of image `k` has R = 10k + x, G = 20y, B = 255 - x, A = 255 - k. */
function writePng(path: string, width: number, height: number, k: number): void {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      png.data.set([10 * k + x, 20 * y, 255 - x, 255 - k], 4 * (y * width + x));
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

const root = tempDir('images');
beforeAll(() => {
  for (const [cls, names] of [
    ['dog', ['b.png', 'a.png']],
    ['cat', ['z.png']],
    ['emu', ['1.PNG', '2.png', '3.png']],
  ] as const) {
    mkdirSync(join(root, cls));
    names.forEach((name, k) => {
      writePng(join(root, cls, name), 4, 3, k);
    });
  }
  writeFileSync(join(root, 'dog', 'notes.txt'), 'not an image');
  writeFileSync(join(root, 'README'), 'top-level files are ignored');
});

describe('imageFolder', () => {
  it('labels images by sorted sub-folder and lists them sorted by name', async () => {
    const ds = await imageFolder(root);
    expect(ds.classes).toEqual(['cat', 'dog', 'emu']);
    expect(ds.length).toBe(6);
    expect(ds.files.map((f) => f.slice(root.length + 1))).toEqual([
      'cat/z.png',
      'dog/a.png',
      'dog/b.png',
      'emu/1.PNG',
      'emu/2.png',
      'emu/3.png',
    ]);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1, 2, 2, 2]);
  });

  it('decodes to float32 [H, W, C] in [0, 1]: RGB by default, grey or RGBA on request', async () => {
    const rgb = await (await imageFolder(root)).get(2); // dog/b.png, written as image k = 0
    expect(rgb.x.shape).toEqual([3, 4, 3]);
    expect(rgb.y.data).toEqual(Int32Array.of(1));
    const px = (s: typeof rgb, y: number, x: number) =>
      Array.from(s.x.data.subarray((y * 4 + x) * s.x.shape[2], (y * 4 + x + 1) * s.x.shape[2]));
    expect(px(rgb, 2, 3)).toEqual([3, 40, 252].map((v) => Math.fround(v / 255)));
    const rgba = await (await imageFolder(root, { channels: 4 })).get(1); // dog/a.png, image k = 1
    expect(px(rgba, 1, 2)).toEqual([12, 20, 253, 254].map((v) => Math.fround(v / 255)));
    const grey = await (await imageFolder(root, { channels: 1 })).get(1);
    expect(grey.x.shape).toEqual([3, 4, 1]);
    expect(grey.x.data[1 * 4 + 2]).toBeCloseTo((0.299 * 12 + 0.587 * 20 + 0.114 * 253) / 255, 6);
  });

  it('feeds a DataLoader (asynchronous reads, prefetch) without leaking, and materialises', async () => {
    const ds = await imageFolder(root);
    await expectNoLeak(async () => {
      const shapes: number[][] = [];
      for await (const { x, y } of new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 1 })) {
        shapes.push([...x.shape, ...y.shape]);
      }
      expect(shapes).toEqual([
        [4, 3, 4, 3, 4],
        [2, 3, 4, 3, 2],
      ]);
    });
    const all = await materialize(ds, { classes: ds.classes });
    expect(all.columns.x.shape).toEqual([6, 3, 4, 3]);
  });

  it('throws clear errors: corrupt PNG, no images, unreadable folder, bad channels', async () => {
    const bad = tempDir('bad-images');
    mkdirSync(join(bad, 'x'));
    writeFileSync(join(bad, 'x', 'broken.png'), 'not a png');
    const ds = await imageFolder(bad);
    await expect(ds.get(0)).rejects.toThrow(DataFormatError);
    await expect(ds.get(0)).rejects.toThrow(/broken.png is not a readable PNG image/);
    mkdirSync(join(bad, 'empty'));
    await expect(imageFolder(join(bad, 'empty'))).rejects.toThrow(
      /has no class sub-folders holding .png images/,
    );
    await expect(imageFolder(join(bad, 'missing'))).rejects.toThrow(ArgumentError);
    await expect(imageFolder(root, { channels: 2 as 3 })).rejects.toThrow(ArgumentError);
  });
});
