/**
 * W6: LSTM train step: sequences of 50 steps, batch 32, 32 inputs, one layer of 128 hidden units, the
 * last hidden state → dense 10, softmax CE, Adam (lr 1e-3); sequences/s.
 */
import { lstmClassifier } from '@dendrite/architectures';
import { Rng, tensor } from '@dendrite/core';
import { crossEntropy } from '@dendrite/layers';
import { Adam } from '@dendrite/optim';
import * as tf from '@tensorflow/tfjs-core';
import { labelValues, normalValues, oneHotValues } from './data.js';
import { dendriteTrainStep, loadModelSpec } from './dendrite-model.js';
import { denseMacs, lstmMacs, trainGflop } from './flops.js';
import { ModelSpecBuilder } from './model-spec.js';
import { TfjsModel, tfjsTrainStep } from './tfjs-model.js';
import type { Workload } from './types.js';

const BATCH = 32;
const STEPS = 50;
const INPUT = 32;
const HIDDEN = 128;
const CLASSES = 10;
const LR = 1e-3;
// PyTorch's and Dendrite's; tfjs's own default is 1e-7.
const EPS = 1e-8;

/** The same network in tfjs-core ops: `[B, T, F]` → logits; gates i, f, g, o as Dendrite's LSTM. */
function lstmTfjs(x: tf.Tensor3D, m: TfjsModel): tf.Tensor2D {
  const [kernel, recurrent, bias] = ['kernel', 'recurrentKernel', 'bias'].map((n) => m.get(`lstm1.${n}`));
  // The input projection of every step in one product, as Dendrite's LSTM does.
  const projected = tf.reshape(
    tf.add(tf.matMul(tf.reshape(x, [BATCH * STEPS, INPUT]), kernel as tf.Tensor2D), bias),
    [BATCH, STEPS, 4 * HIDDEN],
  );
  let h: tf.Tensor2D = tf.zeros([BATCH, HIDDEN]);
  let c: tf.Tensor2D = tf.zeros([BATCH, HIDDEN]);
  for (const xt of tf.unstack(projected, 1)) {
    const [i, f, g, o] = tf.split(tf.add(xt, tf.matMul(h, recurrent as tf.Tensor2D)), 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
  }
  return tf.fused.matMul({
    a: h,
    b: m.get('head.kernel') as tf.Tensor2D,
    bias: m.get('head.bias'),
  }) as tf.Tensor2D;
}

export const w6: Workload = {
  id: 'W6',
  title: 'LSTM train step',
  unit: 'sequences/s',
  cases: [
    {
      label: '',
      work: BATCH,
      gflop: () => trainGflop(lstmMacs(BATCH, STEPS, INPUT, HIDDEN) + denseMacs(BATCH, HIDDEN, CLASSES)),
      prepare: () => {
        const rng = new Rng(6000);
        const spec = new ModelSpecBuilder(rng)
          .lstm('lstm1', INPUT, HIDDEN)
          .dense('head', HIDDEN, CLASSES)
          .build();
        const x = normalValues(rng, BATCH * STEPS * INPUT);
        const labels = labelValues(rng, BATCH, CLASSES);
        return {
          dendrite: () => {
            const model = lstmClassifier({ inputSize: INPUT, hiddenSize: HIDDEN, classes: CLASSES });
            loadModelSpec(model, spec);
            const optimizer = new Adam(model.trainableParameters(), { lr: LR, eps: EPS });
            const tx = tensor(x, [BATCH, STEPS, INPUT]);
            const tl = tensor(labels, [BATCH], 'int32');
            return dendriteTrainStep(model, optimizer, () => crossEntropy(model.forward(tx), tl), [tx, tl]);
          },
          tfjs: () => {
            const model = new TfjsModel(spec);
            const tx = tf.tensor3d(x.slice(), [BATCH, STEPS, INPUT]);
            const ty = tf.tensor2d(oneHotValues(labels, CLASSES), [BATCH, CLASSES]);
            const loss = () => tf.losses.softmaxCrossEntropy(ty, lstmTfjs(tx, model)) as tf.Scalar;
            return tfjsTrainStep(model, tf.train.adam(LR, 0.9, 0.999, EPS), loss, [tx, ty]);
          },
        };
      },
    },
  ],
};
