/**
 * W8: autoencoder train step, 784-256-64-256-784, ReLU on the hidden layers (the 64-unit code included),
 * sigmoid output, MSE against the input, batch 128, Adam (lr 1e-3); samples/s.
 */
import { StackedAutoencoder } from '@dendrite/architectures';
import { Rng, tensor } from '@dendrite/core';
import { Adam } from '@dendrite/optim';
import * as tf from '@tensorflow/tfjs-core';
import { dendriteTrainStep, loadModelSpec } from './dendrite-model.js';
import { mlpMacs, trainGflop } from './flops.js';
import { ModelSpecBuilder } from './model-spec.js';
import { TfjsModel, tfjsTrainStep } from './tfjs-model.js';
import type { Workload } from './types.js';

const BATCH = 128;
const SIZES = [784, 256, 64];
const LR = 1e-3;
const EPS = 1e-8;

/** Encoder `encoder.dense1…`, then the mirrored decoder `decoder.dense1…`, as `StackedAutoencoder`. */
function layerShapes(): { path: string; fanIn: number; fanOut: number }[] {
  const depth = SIZES.length - 1;
  const encoder = SIZES.slice(0, -1).map((fanIn, i) => ({
    path: `encoder.dense${i + 1}`,
    fanIn,
    fanOut: SIZES[i + 1],
  }));
  const decoder = encoder.map((_, i) => ({
    path: `decoder.dense${i + 1}`,
    fanIn: SIZES[depth - i],
    fanOut: SIZES[depth - i - 1],
  }));
  return [...encoder, ...decoder];
}

function autoencoderTfjs(x: tf.Tensor2D, m: TfjsModel): tf.Tensor2D {
  const layers = layerShapes();
  let h = x;
  layers.forEach(({ path }, i) => {
    h = tf.fused.matMul({
      a: h,
      b: m.get(`${path}.kernel`) as tf.Tensor2D,
      bias: m.get(`${path}.bias`),
      activation: i + 1 < layers.length ? 'relu' : 'linear',
    }) as tf.Tensor2D;
  });
  return tf.sigmoid(h);
}

export const w8: Workload = {
  id: 'W8',
  title: 'autoencoder train step',
  unit: 'samples/s',
  cases: [
    {
      label: '',
      work: BATCH,
      gflop: () => trainGflop(mlpMacs(BATCH, [...SIZES, ...SIZES.slice(0, -1).reverse()])),
      prepare: () => {
        const rng = new Rng(8000);
        const builder = new ModelSpecBuilder(rng);
        for (const { path, fanIn, fanOut } of layerShapes()) builder.dense(path, fanIn, fanOut);
        const spec = builder.build();
        // Inputs in [0, 1), what a sigmoid reconstruction can reach (pixel intensities).
        const x = Float32Array.from(rng.uniformValues(BATCH * SIZES[0]));
        return {
          dendrite: () => {
            const model = new StackedAutoencoder({ sizes: SIZES, activation: 'relu' });
            loadModelSpec(model, spec);
            const optimizer = new Adam(model.trainableParameters(), { lr: LR, eps: EPS });
            const tx = tensor(x, [BATCH, SIZES[0]]);
            return dendriteTrainStep(model, optimizer, () => model.loss(tx), [tx]);
          },
          tfjs: () => {
            const model = new TfjsModel(spec);
            const tx = tf.tensor2d(x.slice(), [BATCH, SIZES[0]]);
            const loss = () => tf.losses.meanSquaredError(tx, autoencoderTfjs(tx, model)) as tf.Scalar;
            return tfjsTrainStep(model, tf.train.adam(LR, 0.9, 0.999, EPS), loss, [tx]);
          },
        };
      },
    },
  ],
};
