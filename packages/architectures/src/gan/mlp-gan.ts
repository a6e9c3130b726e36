/**
 * A fully connected GAN: generator `z -> Dense/ReLU … -> Dense(outputActivation)` and discriminator
 * `x -> Dense/LeakyReLU(0.2) … -> Dense(1)` (a logit), as in Goodfellow et al. (2014) with the
 * activations of Radford et al. (2016). Suited to low-dimensional data such as the 8-Gaussian ring.
 */
import type { ActivationSpec } from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { mlp } from '../mlp.js';
import { Gan } from './gan.js';

export interface MlpGanOptions extends BuildOptions {
  readonly latentSize: number;
  /** Features of one sample. */
  readonly dataSize: number;
  /** Hidden units of the generator (default [128, 128]). */
  readonly generatorHidden?: readonly number[];
  /** Hidden units of the discriminator (default [128, 128]). */
  readonly discriminatorHidden?: readonly number[];
  /** Of the generator's output (default none: unbounded data; 'tanh' for data in [−1, 1]). */
  readonly outputActivation?: ActivationSpec;
  /** Slope of the discriminator's leaky ReLU (default 0.2). */
  readonly leakySlope?: number;
}

export function mlpGan(options: MlpGanOptions): Gan {
  const latent = expectPositiveInteger('mlpGan', 'latentSize', options.latentSize);
  const data = expectPositiveInteger('mlpGan', 'dataSize', options.dataSize);
  const common = {
    rng: options.rng,
    ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
  };
  const generator = mlp({
    ...common,
    input: latent,
    hidden: options.generatorHidden ?? [128, 128],
    outputs: data,
    activation: 'relu',
    outputActivation: options.outputActivation,
    name: 'generator',
  });
  const discriminator = mlp({
    ...common,
    input: data,
    hidden: options.discriminatorHidden ?? [128, 128],
    outputs: 1,
    activation: { name: 'leakyRelu', params: { alpha: options.leakySlope ?? 0.2 } },
    name: 'discriminator',
  });
  return new Gan(generator, discriminator, [latent], { name: options.name ?? 'mlp-gan' });
}
