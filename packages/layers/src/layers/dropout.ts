/**
 * Dropout: in training, zeroes each element with probability `rate` and scales the rest by
 * `1 / (1 - rate)`, so evaluation (the identity) sees the same expected activations. Masks come from a
 * seeded `Rng`, so runs repeat exactly.
 */
import { ArgumentError, div, identity, mul, type Rng, type Shape, type Tensor, tidy } from '@dendrite/core';
import { Module } from '../module/module.js';
import { type LayerOptions, rngOf } from './layer-options.js';

export class Dropout extends Module {
  private readonly rng: Rng;

  constructor(
    readonly rate: number,
    options: LayerOptions = {},
  ) {
    super('Dropout', options.name);
    if (!(rate >= 0 && rate < 1)) throw new ArgumentError(this.label, `rate ${rate} must be in [0, 1)`);
    this.rng = rngOf(options);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  protected compute(x: Tensor): Tensor {
    if (!this.training || this.rate === 0) return identity(x);
    return tidy(() => div(mul(x, this.rng.bernoulli(x.shape, 1 - this.rate)), 1 - this.rate));
  }
}
