/**
 * W4: LeNet-5 train step, batch 64, SGD lr 0.01; samples/s. 28×28×1 → conv 5×5×6 same, ReLU, maxpool 2
 * → conv 5×5×16 valid, ReLU, maxpool 2 → dense 120, ReLU → dense 84, ReLU → dense 10; softmax CE.
 */
import {
  conv2d,
  fusedMatmul,
  maxPool2d,
  mean,
  oneHot,
  Rng,
  relu,
  reshape,
  softmaxCrossEntropy,
  type Tensor,
} from '@dendrite/core';
import * as tf from '@tensorflow/tfjs-core';
import { convParams, denseParams, labelValues, normalValues, oneHotValues } from './data.js';
import { dendriteSgdStep, upload } from './dendrite.js';
import { convMacs, mlpMacs, trainGflop } from './flops.js';
import { tfjsSgdStep } from './tfjs.js';
import type { Workload } from './types.js';

const BATCH = 64;
const LR = 0.01;
const FLAT = 5 * 5 * 16;

export const w4: Workload = {
  id: 'W4',
  title: 'LeNet-5 train step',
  unit: 'samples/s',
  cases: [
    {
      label: '',
      work: BATCH,
      // conv1 28×28×6 (5×5×1), conv2 10×10×16 (5×5×6), dense 400→120→84→10.
      gflop: () =>
        trainGflop(
          convMacs(BATCH, 28, 28, 6, 5, 1) +
            convMacs(BATCH, 10, 10, 16, 5, 6) +
            mlpMacs(BATCH, [FLAT, 120, 84, 10]),
        ),
      prepare: () => {
        const rng = new Rng(4000);
        const params = [
          ...convParams(rng, 5, 1, 6),
          ...convParams(rng, 5, 6, 16),
          ...denseParams(rng, FLAT, 120),
          ...denseParams(rng, 120, 84),
          ...denseParams(rng, 84, 10),
        ];
        const x = normalValues(rng, BATCH * 28 * 28);
        const labels = labelValues(rng, BATCH, 10);
        return {
          dendrite: () => {
            const tx = upload(x, [BATCH, 28, 28, 1]);
            const l = upload(labels, [BATCH]);
            const ty = oneHot(l, 10);
            l.dispose();
            const loss = (...p: Tensor[]) => {
              let h = maxPool2d(relu(conv2d(tx, p[0], { padding: 'same', bias: p[1] })), 2);
              h = maxPool2d(relu(conv2d(h, p[2], { padding: 'valid', bias: p[3] })), 2);
              h = reshape(h, [BATCH, FLAT]);
              h = fusedMatmul(h, p[4], { bias: p[5], activation: 'relu' });
              h = fusedMatmul(h, p[6], { bias: p[7], activation: 'relu' });
              return mean(softmaxCrossEntropy(fusedMatmul(h, p[8], { bias: p[9] }), ty));
            };
            return dendriteSgdStep(params, loss, LR, [tx, ty]);
          },
          tfjs: () => {
            const tx = tf.tensor4d(x.slice(), [BATCH, 28, 28, 1]);
            const ty = tf.tensor2d(oneHotValues(labels, 10), [BATCH, 10]);
            const loss = (p: tf.Variable[]) => {
              // tfjs's fused conv (bias + ReLU in one kernel) is its own fastest path, as tfjs-layers uses.
              const conv = (x: tf.Tensor4D, f: tf.Variable, b: tf.Variable, pad: 'same' | 'valid') =>
                tf.fused.conv2d({
                  x,
                  filter: f as tf.Tensor4D,
                  strides: 1,
                  pad,
                  bias: b,
                  activation: 'relu',
                });
              let h = tf.maxPool(conv(tx, p[0], p[1], 'same'), 2, 2, 'valid');
              h = tf.maxPool(conv(h, p[2], p[3], 'valid'), 2, 2, 'valid');
              let d: tf.Tensor = tf.reshape(h, [BATCH, FLAT]);
              d = tf.fused.matMul({ a: d, b: p[4] as tf.Tensor2D, bias: p[5], activation: 'relu' });
              d = tf.fused.matMul({ a: d, b: p[6] as tf.Tensor2D, bias: p[7], activation: 'relu' });
              return tf.losses.softmaxCrossEntropy(
                ty,
                tf.fused.matMul({ a: d, b: p[8] as tf.Tensor2D, bias: p[9] }),
              ) as tf.Scalar;
            };
            return tfjsSgdStep(params, loss, LR, [tx, ty]);
          },
        };
      },
    },
  ],
};
