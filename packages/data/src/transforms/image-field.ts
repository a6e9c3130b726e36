/** The `[height, width, channels]` field that image transforms work on. */
import { ShapeError } from '@dendrite/core';
import type { HostTensor, Sample } from '../host-tensor.js';
import { fieldOf } from './transform.js';

export function imageField(
  op: string,
  sample: Sample,
  key: string,
): HostTensor & { height: number; width: number; channels: number } {
  const field = fieldOf(op, sample, key);
  if (field.shape.length !== 3) {
    throw new ShapeError(
      op,
      `field '${key}' has shape [${field.shape.join(', ')}]; expected an image [height, width, channels]`,
    );
  }
  const [height, width, channels] = field.shape;
  return { ...field, height, width, channels };
}
