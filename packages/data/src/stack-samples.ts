/** Stacking samples into one host tensor per field, with a leading batch axis. */
import { DTypeError, ShapeError, shapesEqual } from '@dendrite/core';
import { type HostTensor, hostDType, type Sample } from './host-tensor.js';

/**
 * `[{ x: [...s] }, …]` (n samples) -> `{ x: [n, ...s] }`. Every sample must have the same fields, shapes
 * and dtypes as the first; `op` names the caller in the error.
 */
export function stackSamples<K extends string>(samples: readonly Sample<K>[], op: string): Sample<K> {
  if (samples.length === 0) throw new ShapeError(op, 'cannot stack zero samples');
  const first = samples[0];
  const keys = Object.keys(first).sort() as K[];
  samples.forEach((sample, i) => {
    const sampleKeys = Object.keys(sample).sort();
    if (sampleKeys.join(',') !== keys.join(',')) {
      throw new ShapeError(
        op,
        `sample ${i} has fields ${sampleKeys.join(', ')}; the first has ${keys.join(', ')}`,
      );
    }
  });
  const out = {} as Record<K, HostTensor>;
  for (const key of keys) {
    const { shape, data } = first[key];
    const dtype = hostDType(first[key]);
    const size = data.length;
    const buffer =
      dtype === 'int32' ? new Int32Array(size * samples.length) : new Float32Array(size * samples.length);
    samples.forEach((sample, i) => {
      const field = sample[key];
      if (!shapesEqual(field.shape, shape)) {
        throw new ShapeError(
          op,
          `field '${key}' of sample ${i} has shape [${field.shape.join(', ')}]; the first sample's is [${shape.join(', ')}]`,
        );
      }
      if (hostDType(field) !== dtype) {
        throw new DTypeError(
          op,
          `field '${key}' of sample ${i} is ${hostDType(field)}; the first sample's is ${dtype}`,
        );
      }
      buffer.set(field.data, i * size);
    });
    out[key] = { data: buffer, shape: [samples.length, ...shape] };
  }
  return out;
}
