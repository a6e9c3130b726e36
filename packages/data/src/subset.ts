/** A view of some samples of another data set, in a given order: what splits and folds return. */
import { checkIndex } from './check-args.js';
import { type Dataset, iterateDataset } from './dataset.js';

export class Subset<T> implements Dataset<T> {
  readonly indices: Int32Array;

  constructor(
    readonly source: Dataset<T>,
    indices: ArrayLike<number>,
  ) {
    this.indices = Int32Array.from(indices);
    for (const i of this.indices) checkIndex('Subset', i, source.length);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T | Promise<T> {
    checkIndex('Subset.get', index, this.indices.length);
    return this.source.get(this.indices[index]);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return iterateDataset(this);
  }
}
