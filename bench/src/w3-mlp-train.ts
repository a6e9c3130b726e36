/** W3: MLP train step, 784-256-256-10, ReLU, softmax cross-entropy, batch 128, SGD lr 0.01; samples/s. */
import { fusedMatmul, mean, oneHot, Rng, softmaxCrossEntropy, type Tensor } from '@dendrite/core';
import * as tf from '@tensorflow/tfjs-core';
import { denseParams, labelValues, normalValues, oneHotValues } from './data.js';
import { dendriteSgdStep, upload } from './dendrite.js';
import { mlpMacs, trainGflop } from './flops.js';
import { jaxSgdStep } from './jaxjs.js';
import { tfjsSgdStep } from './tfjs.js';
import type { Workload } from './types.js';

const BATCH = 128;
const SIZES = [784, 256, 256, 10];
const LR = 0.01;

export const w3: Workload = {
  id: 'W3',
  title: 'MLP train step',
  unit: 'samples/s',
  cases: [
    {
      label: '',
      work: BATCH,
      gflop: () => trainGflop(mlpMacs(BATCH, SIZES)),
      prepare: () => {
        const rng = new Rng(3000);
        const params = SIZES.slice(1).flatMap((out, i) => denseParams(rng, SIZES[i], out));
        const x = normalValues(rng, BATCH * SIZES[0]);
        const labels = labelValues(rng, BATCH, 10);
        return {
          dendrite: () => {
            const tx = upload(x, [BATCH, SIZES[0]]);
            const l = upload(labels, [BATCH]);
            const ty = oneHot(l, 10);
            l.dispose();
            const loss = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor) => {
              const h1 = fusedMatmul(tx, w1, { bias: b1, activation: 'relu' });
              const h2 = fusedMatmul(h1, w2, { bias: b2, activation: 'relu' });
              const logits = fusedMatmul(h2, w3, { bias: b3 });
              return mean(softmaxCrossEntropy(logits, ty));
            };
            return dendriteSgdStep(params, loss, LR, [tx, ty]);
          },
          tfjs: () => {
            const tx = tf.tensor2d(x.slice(), [BATCH, SIZES[0]]);
            const ty = tf.tensor2d(oneHotValues(labels, 10), [BATCH, 10]);
            const loss = ([w1, b1, w2, b2, w3, b3]: tf.Variable[]) => {
              const h1 = tf.fused.matMul({ a: tx, b: w1, bias: b1, activation: 'relu' });
              const h2 = tf.fused.matMul({ a: h1, b: w2, bias: b2, activation: 'relu' });
              const logits = tf.fused.matMul({ a: h2, b: w3, bias: b3 });
              return tf.losses.softmaxCrossEntropy(ty, logits) as tf.Scalar;
            };
            return tfjsSgdStep(params, loss, LR, [tx, ty]);
          },
          jax: () => {
            const constants = [
              { shape: [BATCH, SIZES[0]], values: x },
              { shape: [BATCH, 10], values: oneHotValues(labels, 10) },
            ];
            return jaxSgdStep(
              params,
              constants,
              ({ numpy: np, nn }, [w1, b1, w2, b2, w3, b3], [tx, ty]) => {
                const h1 = nn.relu(np.dot(tx, w1).add(b1));
                const h2 = nn.relu(np.dot(h1, w2).add(b2));
                const logits = np.dot(h2, w3).add(b3);
                // Softmax cross-entropy per sample on one-hot targets, then the mean over the batch.
                return np.mean(nn.logSoftmax(logits).mul(ty).sum(1)).neg();
              },
              LR,
            );
          },
        };
      },
    },
  ],
};
