/**
 * One round of GAN training, alternating as Goodfellow et al.'s Algorithm 1: `discriminatorSteps`
 * updates of the discriminator on a real batch and a batch of generated samples (held constant), then
 * one update of the generator through the fixed discriminator with the non-saturating loss.
 */
import { ArgumentError, detach, getDefaultRng, noGrad, type Rng, type Tensor, tidy } from '@dendrite/core';
import { type GradientOptimizer, gradientStep } from '../training/gradient-step.js';
import type { Gan } from './gan.js';
import { discriminatorLoss, generatorLoss } from './gan-losses.js';

export interface GanStepOptions {
  /** A batch of real samples `[N, ...]` (not freed here). */
  readonly real: Tensor;
  /** Over the discriminator's trainable parameters. */
  readonly discriminatorOptimizer: GradientOptimizer;
  /** Over the generator's trainable parameters. */
  readonly generatorOptimizer: GradientOptimizer;
  /** Latent noise (default core's global `Rng`). */
  readonly rng?: Rng;
  /** Discriminator updates per generator update (default 1). */
  readonly discriminatorSteps?: number;
}

export interface GanStepResult {
  /** The last discriminator update's loss. */
  readonly discriminatorLoss: number;
  readonly generatorLoss: number;
}

export async function ganStep(gan: Gan, options: GanStepOptions): Promise<GanStepResult> {
  const { real } = options;
  const rng = options.rng ?? getDefaultRng();
  const dSteps = options.discriminatorSteps ?? 1;
  if (!Number.isInteger(dSteps) || dSteps < 1) {
    throw new ArgumentError('ganStep', `discriminatorSteps ${dSteps} must be a positive integer`);
  }
  const n = real.shape[0];
  const { generator: g, discriminator: d } = gan;
  let dLoss: Tensor | null = null;
  for (let i = 0; i < dSteps; i++) {
    dLoss?.dispose();
    dLoss = tidy(() => {
      const fake = detach(noGrad(() => g.forward(gan.sampleLatent(n, rng))));
      return gradientStep(
        d,
        () => discriminatorLoss(d.forward(real), d.forward(fake)),
        options.discriminatorOptimizer,
      );
    });
  }
  const gLoss = tidy(() => {
    const z = gan.sampleLatent(n, rng);
    return gradientStep(g, () => generatorLoss(d.forward(g.forward(z))), options.generatorOptimizer);
  });
  try {
    return {
      discriminatorLoss: (await dLoss!.data())[0],
      generatorLoss: (await gLoss.data())[0],
    };
  } finally {
    dLoss?.dispose();
    gLoss.dispose();
  }
}
