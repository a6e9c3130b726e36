/** Reading a whole data set into memory, for sets that read lazily (image folders) or are mapped. */
import { ArrayDataset, type ArrayDatasetOptions } from './array-dataset.js';
import type { Dataset } from './dataset.js';
import type { Sample } from './host-tensor.js';
import { stackSamples } from './stack-samples.js';

/** Every sample of `dataset`, stacked into columns of an `ArrayDataset`. */
export async function materialize<K extends string>(
  dataset: Dataset<Sample<K>>,
  options: ArrayDatasetOptions = {},
): Promise<ArrayDataset<K>> {
  const samples: Sample<K>[] = [];
  for await (const sample of dataset) samples.push(sample);
  return new ArrayDataset(stackSamples(samples, 'materialize'), options);
}
