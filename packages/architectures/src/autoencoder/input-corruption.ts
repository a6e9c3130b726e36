/**
 * The corruption of a denoising autoencoder (Vincent et al. 2008, 2010), applied to its input while
 * training: additive Gaussian noise, or masking noise (each input set to 0 with probability `rate`, not
 * rescaled). The identity in evaluation mode. Noise comes from a seeded `Rng`.
 */
import {
  ArgumentError,
  add,
  getDefaultRng,
  identity,
  mul,
  type Rng,
  type Shape,
  type Tensor,
  tidy,
} from '@dendrite/core';
import { Module } from '@dendrite/layers';

export type Corruption =
  | { readonly kind: 'gaussian'; readonly std: number }
  | { readonly kind: 'masking'; readonly rate: number };

/** Applies `corruption` to `x` with noise from `rng` (a new tensor). */
export function corrupt(x: Tensor, corruption: Corruption, rng: Rng): Tensor {
  return tidy(() =>
    corruption.kind === 'gaussian'
      ? add(x, rng.normal(x.shape, 0, corruption.std))
      : mul(x, rng.bernoulli(x.shape, 1 - corruption.rate)),
  );
}

export function checkCorruption(op: string, c: Corruption): Corruption {
  const ok =
    (c?.kind === 'gaussian' && c.std >= 0 && Number.isFinite(c.std)) ||
    (c?.kind === 'masking' && c.rate >= 0 && c.rate < 1);
  if (!ok) {
    throw new ArgumentError(
      op,
      `corruption ${JSON.stringify(c)} must be { kind: 'gaussian', std >= 0 } or { kind: 'masking', rate in [0, 1) }`,
    );
  }
  return c;
}

export class InputCorruption extends Module {
  readonly corruption: Corruption;
  private readonly rng: Rng;

  constructor(corruption: Corruption, options: { readonly rng?: Rng; readonly name?: string } = {}) {
    super('InputCorruption', options.name);
    this.corruption = checkCorruption(this.label, corruption);
    this.rng = options.rng ?? getDefaultRng();
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  protected compute(x: Tensor): Tensor {
    return this.training ? corrupt(x, this.corruption, this.rng) : identity(x);
  }
}
