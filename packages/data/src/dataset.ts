/** What a data set is: random access by index, a length, and async iteration in index order. */

/**
 * A data set of `length` samples. `get` may answer synchronously (in-memory sets) or with a promise
 * (sets that read files), so consumers always `await` it.
 */
export interface Dataset<T> extends AsyncIterable<T> {
  readonly length: number;
  get(index: number): T | Promise<T>;
}

/** Iterates `dataset` in index order: the `[Symbol.asyncIterator]` every data set here shares. */
export async function* iterateDataset<T>(dataset: Dataset<T>): AsyncGenerator<T, void, undefined> {
  for (let i = 0; i < dataset.length; i++) yield await dataset.get(i);
}
