/**
 * CIFAR-10's binary batches (Krizhevsky 2009): records of 1 label byte then 3072 pixel bytes, the red,
 * green and blue 32×32 planes in turn. Decoded to NHWC, Dendrite's image layout.
 */
import { ArrayDataset } from '../array-dataset.js';
import { DataFormatError } from '../errors.js';

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/**
 * The records of one or more batch files as one data set: `x` float32 `[32, 32, 3]` in [0, 1], `y` the
 * int32 class. `sources` name the batches in errors.
 */
export function parseCifar10(
  batches: readonly Uint8Array[],
  sources: readonly string[] = [],
): ArrayDataset<'x' | 'y'> {
  const op = 'parseCifar10';
  if (batches.length === 0) throw new DataFormatError(op, 'needs at least one batch');
  let n = 0;
  batches.forEach((bytes, b) => {
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      throw new DataFormatError(
        op,
        `${sources[b] ?? `batch ${b}`} has ${bytes.length} bytes; expected a whole number of ${RECORD}-byte records (label + 3×32×32 pixels)`,
      );
    }
    n += bytes.length / RECORD;
  });
  const x = new Float32Array(n * 3 * PLANE);
  const y = new Int32Array(n);
  let i = 0;
  batches.forEach((bytes, b) => {
    for (let at = 0; at < bytes.length; at += RECORD, i++) {
      const label = bytes[at];
      if (label >= CIFAR10_CLASSES.length) {
        throw new DataFormatError(
          op,
          `${sources[b] ?? `batch ${b}`}: record ${at / RECORD} has label ${label}; CIFAR-10 labels are 0-9`,
        );
      }
      y[i] = label;
      const out = i * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        for (let c = 0; c < 3; c++) x[out + 3 * p + c] = bytes[at + 1 + c * PLANE + p] / 255;
      }
    }
  });
  return new ArrayDataset(
    { x: { data: x, shape: [n, SIDE, SIDE, 3] }, y: { data: y, shape: [n] } },
    { classes: CIFAR10_CLASSES },
  );
}
