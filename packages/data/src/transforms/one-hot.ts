/** Integer class labels to one-hot float32 vectors, the target `softmaxCrossEntropy` expects. */
import { DTypeError, IndexError, ShapeError } from '@dendrite/core';
import { checkPositiveInt } from '../check-args.js';
import { fieldOf, type Transform } from './transform.js';

export interface OneHotOptions {
  readonly classes: number;
  /** The label field (default `'y'`). */
  readonly key?: string;
  readonly on?: number;
  readonly off?: number;
}

export function oneHot(options: OneHotOptions): Transform {
  const op = 'oneHot';
  const { classes, on = 1, off = 0 } = options;
  const key = options.key ?? 'y';
  checkPositiveInt(op, 'classes', classes);
  return (sample) => {
    const field = fieldOf(op, sample, key);
    if (!(field.data instanceof Int32Array)) {
      throw new DTypeError(op, `field '${key}' is float32; expected an int32 class index`);
    }
    if (field.data.length !== 1) {
      throw new ShapeError(
        op,
        `field '${key}' has shape [${field.shape.join(', ')}]; expected one class index`,
      );
    }
    const index = field.data[0];
    if (index < 0 || index >= classes) {
      throw new IndexError(op, `class index ${index} is outside [0, ${classes})`, index);
    }
    const out = new Float32Array(classes).fill(off);
    out[index] = on;
    return { ...sample, [key]: { data: out, shape: [classes] } };
  };
}
