/**
 * Samples live on the host until a loader batches them: one upload per batch instead of one per sample,
 * and transforms that cannot leak backend memory.
 */
import { ArgumentError, type Shape, ShapeError, sizeOf } from '@dendrite/core';

/** One field of a sample on the host: row-major values and their shape (no batch axis). */
export interface HostTensor {
  readonly data: Float32Array | Int32Array;
  readonly shape: Shape;
}

/** A sample: named fields such as `{ x, y }`. */
export type Sample<K extends string = string> = { readonly [key in K]: HostTensor };

/** A host tensor of `shape` (default: 1-D) over `data`, checking that the sizes agree. */
export function hostTensor(data: Float32Array | Int32Array, shape: Shape = [data.length]): HostTensor {
  if (!(data instanceof Float32Array || data instanceof Int32Array)) {
    throw new ArgumentError('hostTensor', 'data must be a Float32Array (float32) or an Int32Array (int32)');
  }
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(
      'hostTensor',
      `${data.length} values cannot fill shape [${shape.join(', ')}] (${sizeOf(shape)} elements)`,
    );
  }
  return { data, shape };
}

/** A class label: an int32 scalar. */
export function label(index: number): HostTensor {
  if (!Number.isInteger(index)) throw new ArgumentError('label', `class index ${index} must be an integer`);
  return { data: Int32Array.of(index), shape: [] };
}

export function hostDType(h: HostTensor): 'float32' | 'int32' {
  return h.data instanceof Int32Array ? 'int32' : 'float32';
}
