/** Options every builder of this package takes. */
import { ArgumentError, type Rng } from '@dendrite/core';
import type { InitializerSpec } from '@dendrite/layers';

export interface BuildOptions {
  /** Where initial weights (and dropout masks) come from; default core's global `Rng` (`setSeed`). */
  readonly rng?: Rng;
  /**
   * Initializer of every convolution and linear kernel, in place of the architecture's own (He normal
   * for convolutions, Glorot uniform for linear layers). `'zeros'` builds a model fast when only its
   * structure matters, e.g. for `summary`.
   */
  readonly kernelInitializer?: InitializerSpec;
  /** The model's name, shown by `summary`. */
  readonly name?: string;
}

/** A positive integer argument (channels, classes, depth…), or an ArgumentError naming the builder. */
export function expectPositiveInteger(op: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ArgumentError(op, `${name} must be a positive integer, got ${value}`);
  }
  return value;
}
