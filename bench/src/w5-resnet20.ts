/**
 * W5: ResNet-20 for CIFAR (He et al. 2016, section 4.2), input 32×32×3, batch 32; images/s. A 3×3 conv
 * to 16 channels, 3 stages × 3 basic blocks of 16/32/64 filters (stride 2 at stages 2 and 3), BN, ReLU,
 * global average pooling, dense 10; convolutions without bias, **option A shortcuts** (stride-2
 * subsampling and zero channels, parameter-free) as in the paper. Two cases: a train step (softmax CE,
 * SGD lr 0.1, momentum 0.9, BN on batch statistics) and inference (BN on running statistics).
 */
import { cifarResNet } from '@dendrite/architectures';
import { noGrad, Rng, tensor } from '@dendrite/core';
import { SGD } from '@dendrite/optim';
import * as tf from '@tensorflow/tfjs-core';
import { labelValues, normalValues } from './data.js';
import { dendriteClassifierStep, loadModelSpec } from './dendrite-model.js';
import { forwardGflop, modelMacs, trainGflop } from './flops.js';
import { type ModelSpec, ModelSpecBuilder } from './model-spec.js';
import { readFirst } from './read-back.js';
import { TfjsModel, tfjsClassifierStep } from './tfjs-model.js';
import type { BenchCase, Step, Workload } from './types.js';

const BATCH = 32;
const CLASSES = 10;
const WIDTHS = [16, 32, 64];
const BLOCKS_PER_STAGE = 3;
const LR = 0.1;
const MOMENTUM = 0.9;

/** The initial weights under the names of `cifarResNet(20)`'s modules. */
export function resnet20Spec(rng: Rng): ModelSpec {
  const s = new ModelSpecBuilder(rng).conv('conv1', 3, 3, 16).batchNorm('bn1', 16);
  let channels = 16;
  WIDTHS.forEach((width, stage) => {
    for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
      const path = `layer${stage + 1}.${b}`;
      s.conv(`${path}.conv1`, 3, channels, width).batchNorm(`${path}.bn1`, width);
      s.conv(`${path}.conv2`, 3, width, width).batchNorm(`${path}.bn2`, width);
      channels = width;
    }
  });
  return s.dense('fc', 64, CLASSES).build();
}

/** The same network in tfjs-core ops: `[N, 32, 32, 3]` → logits. */
export function resnet20Tfjs(x: tf.Tensor4D, m: TfjsModel, training: boolean): tf.Tensor2D {
  // Padding 1 on each side, as the architecture (tfjs's 'same' pads a stride-2 conv on one side only).
  const conv = (h: tf.Tensor4D, path: string, stride: number) =>
    tf.conv2d(h, m.get(`${path}.kernel`) as tf.Tensor4D, stride, 1);
  const bn = (h: tf.Tensor4D, path: string) => m.batchNorm(h, path, training);
  let h = tf.relu(bn(conv(x, 'conv1', 1), 'bn1'));
  let channels = 16;
  WIDTHS.forEach((width, stage) => {
    for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
      const path = `layer${stage + 1}.${b}`;
      const stride = stage > 0 && b === 0 ? 2 : 1;
      let y = tf.relu(bn(conv(h, `${path}.conv1`, stride), `${path}.bn1`));
      y = bn(conv(y, `${path}.conv2`, 1), `${path}.bn2`);
      h = tf.relu(tf.add<tf.Tensor4D>(y, optionAShortcut(h, width - channels, stride)));
      channels = width;
    }
  });
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  return tf.fused.matMul({
    a: pooled,
    b: m.get('fc.kernel') as tf.Tensor2D,
    bias: m.get('fc.bias'),
  }) as tf.Tensor2D;
}

/** `x[:, ::s, ::s, :]` with `extra / 2` zero channels on each side; the identity when nothing changes. */
export function optionAShortcut(x: tf.Tensor4D, extra: number, stride: number): tf.Tensor4D {
  if (extra === 0 && stride === 1) return x;
  // A 1×1 window at stride s is the subsampling, as in Dendrite's OptionAShortcut; tfjs 4.22 has no
  // gradient for stridedSlice.
  const kept = stride === 1 ? x : tf.avgPool(x, 1, stride, 'valid');
  return tf.pad(kept, [
    [0, 0],
    [0, 0],
    [0, 0],
    [extra / 2, extra / 2],
  ]);
}

function prepareData(seed: number) {
  const rng = new Rng(seed);
  return {
    spec: resnet20Spec(rng),
    x: normalValues(rng, BATCH * 32 * 32 * 3),
    labels: labelValues(rng, BATCH, CLASSES),
  };
}

const X_SHAPE: [number, number, number, number] = [BATCH, 32, 32, 3];

const train: BenchCase = {
  label: 'train',
  work: BATCH,
  gflop: () => trainGflop(modelMacs(cifarResNet(20, { classes: CLASSES }), X_SHAPE)),
  // tfjs-cpu needs minutes per step (WORKLOADS.md: 0.09 images/s).
  isolate: true,
  prepare: () => {
    const { spec, x, labels } = prepareData(5000);
    return {
      dendrite: () =>
        dendriteClassifierStep(
          cifarResNet(20, { classes: CLASSES, kernelInitializer: 'zeros' }),
          spec,
          (params) => new SGD(params, { lr: LR, momentum: MOMENTUM }),
          x,
          X_SHAPE,
          labels,
        ),
      tfjs: () =>
        tfjsClassifierStep(
          spec,
          (tx, model) => resnet20Tfjs(tx, model, true),
          tf.train.momentum(LR, MOMENTUM),
          x,
          X_SHAPE,
          labels,
          CLASSES,
        ),
    };
  },
};

const inference: BenchCase = {
  label: 'inference',
  work: BATCH,
  gflop: () => forwardGflop(modelMacs(cifarResNet(20, { classes: CLASSES }), X_SHAPE)),
  isolate: true,
  prepare: () => {
    const { spec, x } = prepareData(5001);
    return {
      dendrite: (): Step => {
        const model = cifarResNet(20, { classes: CLASSES, kernelInitializer: 'zeros' }).eval();
        loadModelSpec(model, spec);
        const tx = tensor(x, X_SHAPE);
        return {
          run: () => readFirst(noGrad(() => model.forward(tx))),
          dispose: () => {
            model.dispose();
            tx.dispose();
          },
        };
      },
      tfjs: (): Step => {
        const model = new TfjsModel(spec);
        const tx = tf.tensor4d(x.slice(), X_SHAPE);
        return {
          run: () => readFirst(tf.tidy(() => resnet20Tfjs(tx, model, false))),
          dispose: () => {
            model.dispose();
            tx.dispose();
          },
        };
      },
    };
  },
};

export const w5: Workload = {
  id: 'W5',
  title: 'ResNet-20 (CIFAR, option A)',
  unit: 'images/s',
  cases: [train, inference],
};
