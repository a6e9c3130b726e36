/**
 * Greedy layer-wise pre-training of a stacked autoencoder (Bengio et al. 2007): for each depth i, the
 * pair (encoder layer i, decoder layer L − 1 − i) is trained as a shallow autoencoder on the codes the
 * already-trained layers below produce, the rest frozen. With a corruption, each pair is a denoising
 * autoencoder of its own input (the stacked denoising autoencoder of Vincent et al. 2010).
 */
import { ArgumentError, getDefaultRng, noGrad, type Rng, type Tensor, tidy } from '@dendrite/core';
import { meanSquaredError, type Parameter } from '@dendrite/layers';
import { type GradientOptimizer, gradientStep } from '../training/gradient-step.js';
import { type Corruption, checkCorruption, corrupt } from './input-corruption.js';
import type { StackedAutoencoder } from './stacked-autoencoder.js';

type Batches = Iterable<Tensor> | AsyncIterable<Tensor>;

export interface GreedyPretrainingOptions {
  /** Input batches `[N, input]` (not freed here): an array, or a function giving each epoch's batches. */
  readonly data: Batches | ((epoch: number) => Batches);
  /** Epochs per layer. */
  readonly epochs: number;
  /** A fresh optimizer for each layer's parameters, e.g. `(p) => new Adam(p, { lr: 1e-3 })`. */
  readonly optimizer: (parameters: Parameter[]) => GradientOptimizer & { dispose?(): void };
  /** Default: the autoencoder's own corruption (none for a plain autoencoder). */
  readonly corruption?: Corruption;
  /** Noise for the corruption (default core's global `Rng`). */
  readonly rng?: Rng;
  /** Called after each epoch of each layer with its mean loss. */
  readonly onEpoch?: (layer: number, epoch: number, loss: number) => void;
}

/** Trains each layer pair in turn; returns the last epoch's mean reconstruction loss of each layer. */
export async function pretrainGreedy(
  autoencoder: StackedAutoencoder,
  options: GreedyPretrainingOptions,
): Promise<number[]> {
  const op = 'pretrainGreedy';
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new ArgumentError(op, `epochs ${options.epochs} must be a positive integer`);
  }
  const corruption = options.corruption
    ? checkCorruption(op, options.corruption)
    : autoencoder.corruption?.corruption;
  const rng = options.rng ?? getDefaultRng();
  const encoders = autoencoder.encoder.layers;
  const decoders = autoencoder.decoder.layers;
  const depth = encoders.length;
  const losses: number[] = [];
  const wasTraining = autoencoder.training;
  autoencoder.train();
  try {
    for (let layer = 0; layer < depth; layer++) {
      const enc = encoders[layer];
      const dec = decoders[depth - 1 - layer];
      const parameters = [...enc.trainableParameters(), ...dec.trainableParameters()];
      const optimizer = options.optimizer(parameters);
      let last = Number.NaN;
      try {
        for (let epoch = 0; epoch < options.epochs; epoch++) {
          const batches = typeof options.data === 'function' ? options.data(epoch) : options.data;
          let sum = 0;
          let count = 0;
          for await (const x of batches) {
            const loss = tidy(() => {
              // The input of this layer: the clean codes of the layers below (no graph).
              const input = noGrad(() => encoders.slice(0, layer).reduce((h, m) => m.forward(h), x));
              const seen = corruption ? corrupt(input, corruption, rng) : input;
              return gradientStep(
                autoencoder,
                () => meanSquaredError(dec.forward(enc.forward(seen)), input),
                optimizer,
                parameters,
              );
            });
            sum += (await loss.data())[0];
            loss.dispose();
            count++;
          }
          if (count === 0) throw new ArgumentError(op, `data gave no batches in epoch ${epoch}`);
          last = sum / count;
          options.onEpoch?.(layer, epoch, last);
        }
      } finally {
        optimizer.dispose?.();
      }
      losses.push(last);
    }
  } finally {
    autoencoder.train(wasTraining);
  }
  return losses;
}
