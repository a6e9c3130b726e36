/**
 * A generative adversarial network (Goodfellow et al. 2014): a generator from latent noise to samples and
 * a discriminator from samples to one logit ("real"). As a module, `forward(z)` is `D(G(z))`, the path the
 * generator is trained through, and `describe` covers both networks. `ganStep` trains it.
 */
import { getDefaultRng, noGrad, type Rng, type Shape, type Tensor, tidy } from '@dendrite/core';
import { combineDescriptions, type LayerDescription, Module } from '@dendrite/layers';
import { describeChain } from '../chain.js';

export class Gan extends Module {
  readonly generator: Module;
  readonly discriminator: Module;
  /** Shape of one latent vector (e.g. `[100]`). */
  readonly latentShape: Shape;

  constructor(
    generator: Module,
    discriminator: Module,
    latentShape: Shape,
    options: { readonly name?: string } = {},
  ) {
    super('Gan', options.name ?? 'gan');
    this.generator = this.addChild('generator', generator);
    this.discriminator = this.addChild('discriminator', discriminator);
    this.latentShape = [...latentShape];
    this.outputShape([1, ...latentShape]); // the two networks must fit together
  }

  /** `n` latent vectors from N(0, 1). */
  sampleLatent(n: number, rng: Rng = getDefaultRng()): Tensor {
    return rng.normal([n, ...this.latentShape]);
  }

  /** `n` samples of the generator, without a graph. */
  generate(n: number, rng: Rng = getDefaultRng()): Tensor {
    return noGrad(() => tidy(() => this.generator.forward(this.sampleLatent(n, rng))));
  }

  outputShape(inputShape: Shape): Shape {
    return this.discriminator.outputShape(this.generator.outputShape(inputShape));
  }

  protected compute(z: Tensor): Tensor {
    return tidy(() => this.discriminator.forward(this.generator.forward(z)));
  }

  override describe(inputShape: Shape): LayerDescription {
    const { children, outputShape } = describeChain([this.generator, this.discriminator], inputShape);
    return combineDescriptions(this, inputShape, outputShape, children);
  }
}
