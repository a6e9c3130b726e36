/**
 * A folder of PNG images, one sub-folder per class (`root/cat/001.png`, `root/dog/002.png`): labels are
 * the sub-folders' positions in sorted order. Images are read and decoded when a sample is asked for,
 * so a loader's prefetch overlaps the reading with training.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ArgumentError } from '@dendrite/core';
import { PNG } from 'pngjs';
import { checkIndex } from '../check-args.js';
import { type Dataset, iterateDataset } from '../dataset.js';
import { DataFormatError } from '../errors.js';
import { label, type Sample } from '../host-tensor.js';

export interface ImageFolderOptions {
  /** 1 (grey, by ITU-R BT.601 luma), 3 (RGB, default) or 4 (RGBA). */
  readonly channels?: 1 | 3 | 4;
}

export class ImageFolderDataset implements Dataset<Sample<'x' | 'y'>> {
  constructor(
    readonly root: string,
    /** Sub-folder names, sorted; a label indexes this list. */
    readonly classes: readonly string[],
    /** Every image, sorted by class and then by name. */
    readonly files: readonly string[],
    readonly labels: Int32Array,
    readonly channels: 1 | 3 | 4,
  ) {}

  get length(): number {
    return this.files.length;
  }

  /** `x` float32 `[height, width, channels]` in [0, 1], `y` the int32 class. */
  async get(index: number): Promise<Sample<'x' | 'y'>> {
    checkIndex('ImageFolderDataset.get', index, this.files.length);
    const path = this.files[index];
    let png: PNG;
    try {
      png = PNG.sync.read(await readFile(path));
    } catch (e) {
      throw new DataFormatError(
        'imageFolder',
        `${path} is not a readable PNG image (${(e as Error).message})`,
      );
    }
    const { width, height, data } = png;
    const c = this.channels;
    const x = new Float32Array(width * height * c);
    for (let p = 0; p < width * height; p++) {
      const [r, g, b, a] = [data[4 * p], data[4 * p + 1], data[4 * p + 2], data[4 * p + 3]];
      if (c === 1) {
        x[p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      } else {
        x[c * p] = r / 255;
        x[c * p + 1] = g / 255;
        x[c * p + 2] = b / 255;
        if (c === 4) x[c * p + 3] = a / 255;
      }
    }
    return { x: { data: x, shape: [height, width, c] }, y: label(this.labels[index]) };
  }

  [Symbol.asyncIterator](): AsyncIterator<Sample<'x' | 'y'>> {
    return iterateDataset(this);
  }
}

/** Lists `root`'s class sub-folders and their `.png` files (decoding waits for `get`). */
export async function imageFolder(
  root: string,
  options: ImageFolderOptions = {},
): Promise<ImageFolderDataset> {
  const op = 'imageFolder';
  const channels = options.channels ?? 3;
  if (![1, 3, 4].includes(channels))
    throw new ArgumentError(op, `channels must be 1, 3 or 4, got ${channels}`);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    throw new ArgumentError(op, `cannot read the folder ${root} (${(e as Error).message})`);
  }
  const classes = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files: string[] = [];
  const labels: number[] = [];
  for (const [k, name] of classes.entries()) {
    const images = (await readdir(join(root, name), { withFileTypes: true }))
      .filter((e) => e.isFile() && extname(e.name).toLowerCase() === '.png')
      .map((e) => e.name)
      .sort();
    for (const image of images) {
      files.push(join(root, name, image));
      labels.push(k);
    }
  }
  if (files.length === 0) {
    throw new ArgumentError(
      op,
      `${root} has no class sub-folders holding .png images (found ${classes.length} sub-folders)`,
    );
  }
  return new ImageFolderDataset(root, classes, files, Int32Array.from(labels), channels);
}
