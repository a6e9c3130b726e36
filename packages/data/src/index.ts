/**
 * @dendrite/data — data sets, a DataLoader that yields batches of tensors, splits, seeded transforms,
 * synthetic sets and file-format parsers over bytes. Browser-safe: file reading, the bundled sets and
 * Fashion-MNIST are in `@dendrite/data/node`.
 */
export { ArrayDataset, type ArrayDatasetOptions } from './array-dataset.js';
export { type Batch, DataLoader, type DataLoaderOptions } from './data-loader.js';
export { type Dataset, iterateDataset } from './dataset.js';
export { DataFormatError } from './errors.js';
export {
  DIGITS_CLASSES,
  type DigitsOptions,
  IRIS_FEATURES,
  parseDigits,
  parseIris,
} from './formats/bundled.js';
export { CIFAR10_CLASSES, parseCifar10 } from './formats/cifar10.js';
export { type CsvOptions, type CsvRecord, parseCsv, parseCsvRecords } from './formats/csv.js';
export { gunzip, isGzip } from './formats/gunzip.js';
export { type IdxArray, type IdxType, idxImageDataset, parseIdx } from './formats/idx.js';
export { type HostTensor, hostTensor, label, type Sample } from './host-tensor.js';
export { MappedDataset, mapDataset } from './mapped-dataset.js';
export { materialize } from './materialize.js';
export { type Fold, kFold, type SplitOptions, splitDataset } from './splits.js';
export { stackSamples } from './stack-samples.js';
export { Subset } from './subset.js';
export { type AddingProblemOptions, addingProblem } from './synthetic/adding-problem.js';
export { type BlobsOptions, blobs } from './synthetic/blobs.js';
export { type CirclesOptions, circles } from './synthetic/circles.js';
export { type GaussianRingOptions, gaussianRing, gaussianRingCentres } from './synthetic/gaussian-ring.js';
export { moons } from './synthetic/moons.js';
export type { SyntheticOptions } from './synthetic/options.js';
export { type SineWaveOptions, sineWave } from './synthetic/sine-wave.js';
export { type TwoSpiralsOptions, twoSpirals } from './synthetic/two-spirals.js';
export { xor } from './synthetic/xor.js';
export { type GaussianNoiseOptions, gaussianNoise } from './transforms/gaussian-noise.js';
export { type HorizontalFlipOptions, randomHorizontalFlip } from './transforms/horizontal-flip.js';
export {
  type FitMinMaxOptions,
  type FitOptions,
  fitMinMax,
  fitStandardize,
  type Normalize,
  type NormalizeOptions,
  normalize,
} from './transforms/normalize.js';
export { type OneHotOptions, oneHot } from './transforms/one-hot.js';
export { type RandomCropOptions, randomCrop } from './transforms/random-crop.js';
export { compose, type Transform } from './transforms/transform.js';
