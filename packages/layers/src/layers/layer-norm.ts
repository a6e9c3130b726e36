/** Layer normalisation over the last axis (biased variance), then a per-feature scale and shift. */
import { ArgumentError, add, moments, mul, rsqrt, type Shape, sub, type Tensor, tidy } from '@dendrite/core';
import { type InitializerSpec, initialize, ones, zeros } from '../initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { expectLastAxis, expectSize, type LayerOptions, rngOf } from './layer-options.js';

export interface LayerNormOptions extends LayerOptions {
  /** Added to the variance (default 1e-5). */
  readonly eps?: number;
  readonly gammaInitializer?: InitializerSpec;
  readonly betaInitializer?: InitializerSpec;
}

export class LayerNorm extends Module {
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly eps: number;

  constructor(
    readonly features: number,
    options: LayerNormOptions = {},
  ) {
    super('LayerNorm', options.name);
    expectSize(this.label, 'features', features);
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps > 0)) throw new ArgumentError(this.label, `eps ${this.eps} must be positive`);
    const rng = rngOf(options);
    this.gamma = this.addParameter('gamma', initialize(options.gammaInitializer ?? ones, [features], rng));
    this.beta = this.addParameter('beta', initialize(options.betaInitializer ?? zeros, [features], rng));
  }

  outputShape(inputShape: Shape): Shape {
    expectLastAxis(this.label, inputShape, this.features);
    return [...inputShape];
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => {
      const { mean, variance } = moments(x, [x.rank - 1], true);
      const xhat = mul(sub(x, mean), rsqrt(add(variance, this.eps)));
      return add(mul(xhat, this.gamma.value), this.beta.value);
    });
  }
}
