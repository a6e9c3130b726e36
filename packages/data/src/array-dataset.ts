/** An in-memory data set held as columns: one host tensor per field, samples along the first axis. */
import { ShapeError } from '@dendrite/core';
import { checkIndex } from './check-args.js';
import { type Dataset, iterateDataset } from './dataset.js';
import type { HostTensor, Sample } from './host-tensor.js';

export interface ArrayDatasetOptions {
  /** Class names, indexed by the integer label. */
  readonly classes?: readonly string[];
  /** Names of the features along the last axis of `x` (tabular sets). */
  readonly featureNames?: readonly string[];
}

/**
 * Columns `{ x: [N, ...], y: [N, ...] }` seen as N samples `{ x: [...], y: [...] }`. `get` returns views
 * into the columns (no copy), so transforms must return new arrays rather than write into a sample.
 */
export class ArrayDataset<K extends string = string> implements Dataset<Sample<K>> {
  readonly length: number;
  readonly classes?: readonly string[];
  readonly featureNames?: readonly string[];
  private readonly sampleSizes: Record<string, number> = {};

  constructor(
    readonly columns: Sample<K>,
    options: ArrayDatasetOptions = {},
  ) {
    const keys = Object.keys(columns) as K[];
    if (keys.length === 0) throw new ShapeError('ArrayDataset', 'needs at least one column');
    const n = columns[keys[0]].shape[0];
    for (const key of keys) {
      const { shape, data } = columns[key];
      if (shape.length === 0 || shape[0] !== n) {
        const got = keys.map((k) => `${k} [${columns[k].shape.join(', ')}]`).join(', ');
        throw new ShapeError('ArrayDataset', `every column needs the same first (sample) axis; got ${got}`);
      }
      this.sampleSizes[key] = n === 0 ? 0 : data.length / n;
    }
    this.length = n;
    this.classes = options.classes;
    this.featureNames = options.featureNames;
  }

  get(index: number): Sample<K> {
    checkIndex('ArrayDataset.get', index, this.length);
    const out = {} as Record<K, HostTensor>;
    for (const key of Object.keys(this.columns) as K[]) {
      const { data, shape } = this.columns[key];
      const size = this.sampleSizes[key];
      out[key] = { data: data.subarray(index * size, (index + 1) * size), shape: shape.slice(1) };
    }
    return out;
  }

  [Symbol.asyncIterator](): AsyncIterator<Sample<K>> {
    return iterateDataset(this);
  }
}
