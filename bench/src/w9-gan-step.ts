/**
 * W9: one GAN training round: G 64→256→784 (ReLU, tanh), D 784→256→1 (LeakyReLU 0.2, a logit); one D
 * update on a real and a generated batch (BCE with logits), then one G update through D with the
 * non-saturating loss; batch 64, Adam (lr 2e-4, β1 0.5) for each network; steps/s. The latent noise of
 * both updates comes from a seeded stream, drawn in the same order by every peer.
 */
import { ganStep, mlpGan } from '@dendrite/architectures';
import { Rng, tensor } from '@dendrite/core';
import { Adam } from '@dendrite/optim';
import * as tf from '@tensorflow/tfjs-core';
import { normalValues } from './data.js';
import { loadModelSpec } from './dendrite-model.js';
import { forwardGflop, mlpMacs, trainGflop } from './flops.js';
import { ModelSpecBuilder } from './model-spec.js';
import { TfjsModel } from './tfjs-model.js';
import type { Step, Workload } from './types.js';

const BATCH = 64;
const LATENT = 64;
const HIDDEN = 256;
const DATA = 784;
const LR = 2e-4;
const BETA1 = 0.5;
const BETA2 = 0.999;
const EPS = 1e-8;
const LEAK = 0.2;
const NOISE_SEED = 9001;

function mlpTfjs(x: tf.Tensor2D, m: TfjsModel, net: 'generator' | 'discriminator'): tf.Tensor2D {
  const dense = (h: tf.Tensor2D, i: number) =>
    tf.fused.matMul({
      a: h,
      b: m.get(`${net}.dense${i}.kernel`) as tf.Tensor2D,
      bias: m.get(`${net}.dense${i}.bias`),
    }) as tf.Tensor2D;
  if (net === 'generator') return tf.tanh(dense(tf.relu(dense(x, 1)), 2));
  return dense(tf.leakyRelu(dense(x, 1), LEAK), 2);
}

/** Mean BCE with logits against a constant target, as Dendrite's `binaryCrossEntropyWithLogits`. */
function bce(logits: tf.Tensor2D, target: 0 | 1): tf.Scalar {
  const labels = target === 1 ? tf.onesLike(logits) : tf.zerosLike(logits);
  return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
}

export const w9: Workload = {
  id: 'W9',
  title: 'GAN step (MLP)',
  unit: 'steps/s',
  cases: [
    {
      label: '',
      work: 1,
      // D update: G forward, D forward + backward on real and fake; G update: G and D forward + backward.
      gflop: () => {
        const g = mlpMacs(BATCH, [LATENT, HIDDEN, DATA]);
        const d = mlpMacs(BATCH, [DATA, HIDDEN, 1]);
        return forwardGflop(g) + trainGflop(2 * d) + trainGflop(g + d);
      },
      prepare: () => {
        const rng = new Rng(9000);
        const spec = new ModelSpecBuilder(rng)
          .dense('generator.dense1', LATENT, HIDDEN)
          .dense('generator.dense2', HIDDEN, DATA)
          .dense('discriminator.dense1', DATA, HIDDEN)
          .dense('discriminator.dense2', HIDDEN, 1)
          .build();
        // Real samples in [-1, 1), the generator's tanh range.
        const real = Float32Array.from(rng.uniformValues(BATCH * DATA), (u) => 2 * u - 1);
        return {
          dendrite: (): Step => {
            const gan = mlpGan({
              latentSize: LATENT,
              dataSize: DATA,
              generatorHidden: [HIDDEN],
              discriminatorHidden: [HIDDEN],
              outputActivation: 'tanh',
              leakySlope: LEAK,
            });
            loadModelSpec(gan, spec);
            const adam = { lr: LR, beta1: BETA1, beta2: BETA2, eps: EPS };
            const dOpt = new Adam(gan.discriminator.trainableParameters(), adam);
            const gOpt = new Adam(gan.generator.trainableParameters(), adam);
            const tReal = tensor(real, [BATCH, DATA]);
            const noise = new Rng(NOISE_SEED);
            return {
              run: async () => {
                const losses = await ganStep(gan, {
                  real: tReal,
                  discriminatorOptimizer: dOpt,
                  generatorOptimizer: gOpt,
                  rng: noise,
                });
                // The generator's loss depends on the discriminator's update too.
                return losses.generatorLoss;
              },
              dispose: () => {
                dOpt.dispose();
                gOpt.dispose();
                gan.dispose();
                tReal.dispose();
              },
            };
          },
          tfjs: (): Step => {
            const model = new TfjsModel(spec);
            const [gVars, dVars] = [
              model.trainableUnder('generator.'),
              model.trainableUnder('discriminator.'),
            ];
            const dOpt = tf.train.adam(LR, BETA1, BETA2, EPS);
            const gOpt = tf.train.adam(LR, BETA1, BETA2, EPS);
            const tReal = tf.tensor2d(real.slice(), [BATCH, DATA]);
            const noise = new Rng(NOISE_SEED);
            const latent = () => tf.tensor2d(normalValues(noise, BATCH * LATENT), [BATCH, LATENT]);
            return {
              run: async () => {
                // The generated batch is a constant for the discriminator's update.
                const fake = tf.tidy(() => mlpTfjs(latent(), model, 'generator'));
                const dLoss = dOpt.minimize(
                  () =>
                    tf.add(
                      bce(mlpTfjs(tReal, model, 'discriminator'), 1),
                      bce(mlpTfjs(fake, model, 'discriminator'), 0),
                    ) as tf.Scalar,
                  true,
                  dVars,
                );
                fake.dispose();
                const z = latent();
                const gLoss = gOpt.minimize(
                  () => bce(mlpTfjs(mlpTfjs(z, model, 'generator'), model, 'discriminator'), 1),
                  true,
                  gVars,
                );
                z.dispose();
                try {
                  await dLoss!.data();
                  return (await gLoss!.data())[0];
                } finally {
                  tf.dispose([dLoss!, gLoss!]);
                }
              },
              dispose: () => {
                dOpt.dispose();
                gOpt.dispose();
                model.dispose();
                tReal.dispose();
              },
            };
          },
        };
      },
    },
  ],
};
