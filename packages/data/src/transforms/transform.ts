/**
 * A transform maps one sample to a new one on the host. Random transforms draw from the `rng` they are
 * given, so the DataLoader's seed alone fixes every augmentation of every epoch.
 */
import { ArgumentError, type Rng } from '@dendrite/core';
import type { HostTensor, Sample } from '../host-tensor.js';

export type Transform = (sample: Sample, rng: Rng) => Sample;

/** Applies `transforms` left to right. */
export function compose(...transforms: readonly Transform[]): Transform {
  return (sample, rng) => transforms.reduce((s, t) => t(s, rng), sample);
}

/** The field `key` of `sample`, or an error that lists the fields there are. */
export function fieldOf(op: string, sample: Sample, key: string): HostTensor {
  const field = sample[key];
  if (field === undefined) {
    throw new ArgumentError(op, `sample has no field '${key}' (it has ${Object.keys(sample).join(', ')})`);
  }
  return field;
}
