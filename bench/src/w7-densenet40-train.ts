/**
 * W7: DenseNet-40 train step (Huang et al. 2017, CIFAR: k = 12, 3 dense blocks of 12 BN-ReLU-conv3×3
 * layers, transitions BN-ReLU-conv1×1 + 2×2 average pooling, a 16-channel 3×3 stem, no bottleneck, no
 * compression, then BN-ReLU, global average pooling, dense 10), input 32×32×3, batch 16, softmax CE,
 * SGD lr 0.1; images/s.
 */
import { cifarDenseNet } from '@dendrite/architectures';
import { Rng } from '@dendrite/core';
import { SGD } from '@dendrite/optim';
import * as tf from '@tensorflow/tfjs-core';
import { labelValues, normalValues } from './data.js';
import { dendriteClassifierStep } from './dendrite-model.js';
import { modelMacs, trainGflop } from './flops.js';
import { type ModelSpec, ModelSpecBuilder } from './model-spec.js';
import { type TfjsModel, tfjsClassifierStep } from './tfjs-model.js';
import type { Workload } from './types.js';

const BATCH = 16;
const CLASSES = 10;
const GROWTH = 12;
const BLOCKS = 3;
const LAYERS_PER_BLOCK = 12;
const STEM = 16;
const LR = 0.1;

const layerPath = (block: number, layer: number) => `features.denseblock${block + 1}.denselayer${layer + 1}`;
const transitionPath = (block: number) => `features.transition${block + 1}`;

/** The initial weights under the names of `cifarDenseNet()`'s modules. */
export function densenet40Spec(rng: Rng): ModelSpec {
  const s = new ModelSpecBuilder(rng).conv('features.conv0', 3, 3, STEM);
  let channels = STEM;
  for (let b = 0; b < BLOCKS; b++) {
    for (let l = 0; l < LAYERS_PER_BLOCK; l++) {
      s.batchNorm(`${layerPath(b, l)}.norm1`, channels).conv(`${layerPath(b, l)}.conv1`, 3, channels, GROWTH);
      channels += GROWTH;
    }
    if (b + 1 < BLOCKS) {
      s.batchNorm(`${transitionPath(b)}.norm`, channels).conv(
        `${transitionPath(b)}.conv`,
        1,
        channels,
        channels,
      );
    }
  }
  return s.batchNorm('features.norm5', channels).dense('classifier', channels, CLASSES).build();
}

/** The same network in tfjs-core ops: `[N, 32, 32, 3]` → logits. */
export function densenet40Tfjs(x: tf.Tensor4D, m: TfjsModel): tf.Tensor2D {
  const conv = (h: tf.Tensor4D, path: string, pad: number) =>
    tf.conv2d(h, m.get(`${path}.kernel`) as tf.Tensor4D, 1, pad);
  const bnRelu = (h: tf.Tensor4D, path: string) => tf.relu(m.batchNorm(h, path, true));
  let h = conv(x, 'features.conv0', 1);
  for (let b = 0; b < BLOCKS; b++) {
    for (let l = 0; l < LAYERS_PER_BLOCK; l++) {
      const y = conv(bnRelu(h, `${layerPath(b, l)}.norm1`), `${layerPath(b, l)}.conv1`, 1);
      h = tf.concat([h, y], 3);
    }
    if (b + 1 < BLOCKS) {
      const t = transitionPath(b);
      h = tf.avgPool(conv(bnRelu(h, `${t}.norm`), `${t}.conv`, 0), 2, 2, 'valid');
    }
  }
  const pooled = tf.mean(bnRelu(h, 'features.norm5'), [1, 2]) as tf.Tensor2D;
  return tf.fused.matMul({
    a: pooled,
    b: m.get('classifier.kernel') as tf.Tensor2D,
    bias: m.get('classifier.bias'),
  }) as tf.Tensor2D;
}

const X_SHAPE: [number, number, number, number] = [BATCH, 32, 32, 3];

export const w7: Workload = {
  id: 'W7',
  title: 'DenseNet-40 (k=12) train step',
  unit: 'images/s',
  cases: [
    {
      label: '',
      work: BATCH,
      gflop: () => trainGflop(modelMacs(cifarDenseNet({ classes: CLASSES }), X_SHAPE)),
      // tfjs-cpu finishes no step in 600 s (WORKLOADS.md).
      isolate: true,
      prepare: () => {
        const rng = new Rng(7000);
        const spec = densenet40Spec(rng);
        const x = normalValues(rng, BATCH * 32 * 32 * 3);
        const labels = labelValues(rng, BATCH, CLASSES);
        return {
          dendrite: () =>
            dendriteClassifierStep(
              cifarDenseNet({ classes: CLASSES, kernelInitializer: 'zeros' }),
              spec,
              (params) => new SGD(params, { lr: LR }),
              x,
              X_SHAPE,
              labels,
            ),
          tfjs: () =>
            tfjsClassifierStep(
              spec,
              (tx, model) => densenet40Tfjs(tx, model),
              tf.train.sgd(LR),
              x,
              X_SHAPE,
              labels,
              CLASSES,
            ),
        };
      },
    },
  ],
};
