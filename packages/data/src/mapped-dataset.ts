/** A data set whose samples pass through a function: decoding, feature extraction, a fixed transform. */
import { type Dataset, iterateDataset } from './dataset.js';

export class MappedDataset<T, U> implements Dataset<U> {
  constructor(
    readonly source: Dataset<T>,
    private readonly fn: (sample: T, index: number) => U,
  ) {}

  get length(): number {
    return this.source.length;
  }

  get(index: number): U | Promise<U> {
    const sample = this.source.get(index);
    return sample instanceof Promise ? sample.then((s) => this.fn(s, index)) : this.fn(sample, index);
  }

  [Symbol.asyncIterator](): AsyncIterator<U> {
    return iterateDataset(this);
  }
}

/** `dataset` with `fn` applied to each sample when it is read. Random transforms belong in a DataLoader. */
export function mapDataset<T, U>(
  dataset: Dataset<T>,
  fn: (sample: T, index: number) => U,
): MappedDataset<T, U> {
  return new MappedDataset(dataset, fn);
}
