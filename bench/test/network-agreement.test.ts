/**
 * The tfjs translations of the conv nets compute what Dendrite's architectures compute, from the same
 * weights. The runner checks this on every row through the first step's value, but not for W5's and
 * W7's train steps in practice: there tfjs-cpu is stopped at the deadline and tfjs-wasm cannot train.
 * So it is checked here, on the forward pass, at batch 2.
 */

import { cifarDenseNet, cifarResNet } from '@dendrite/architectures';
import { registerCpuBackend } from '@dendrite/backend-cpu';
import { memory, noGrad, Rng, setBackend, tensor } from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalValues } from '../src/data.js';
import { loadModelSpec } from '../src/dendrite-model.js';
import type { ModelSpec } from '../src/model-spec.js';
import { TfjsModel } from '../src/tfjs-model.js';
import { resnet20Spec, resnet20Tfjs } from '../src/w5-resnet20.js';
import { densenet40Spec, densenet40Tfjs } from '../src/w7-densenet40-train.js';

const BATCH = 2;
const SHAPE: [number, number, number, number] = [BATCH, 32, 32, 3];

beforeAll(async () => {
  registerCpuBackend();
  await setBackend('cpu');
  await tf.setBackend('cpu');
});

/** Logits of both from the same weights and input, and the running variance of one BN layer after it. */
async function bothForwards(
  spec: ModelSpec,
  build: () => Module,
  tfjsForward: (x: tf.Tensor4D, m: TfjsModel) => tf.Tensor2D,
  bnPath: string,
) {
  const x = normalValues(new Rng(1), BATCH * 32 * 32 * 3);
  const [dLive, tLive] = [memory().tensors, tf.memory().numTensors];
  const model = build();
  loadModelSpec(model, spec);
  const tx = tensor(x, SHAPE);
  const y = noGrad(() => model.forward(tx));
  const ours = { logits: await y.data(), runningVar: await model.stateDict()[`${bnPath}.runningVar`].data() };
  model.dispose();
  tx.dispose();
  y.dispose();

  const m = new TfjsModel(spec);
  const ty = tf.tidy(() => tfjsForward(tf.tensor4d(x, SHAPE), m));
  const theirs = { logits: await ty.data(), runningVar: await m.get(`${bnPath}.runningVar`).data() };
  m.dispose();
  ty.dispose();
  expect([memory().tensors, tf.memory().numTensors]).toEqual([dLive, tLive]);
  return { ours, theirs };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-4) {
  expect(a.length).toBe(b.length);
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  Array.from(a).forEach((v, i) => {
    expect(Math.abs(v - b[i])).toBeLessThanOrEqual(tolerance * scale);
  });
}

describe('the tfjs networks of the bench match Dendrite’s architectures', () => {
  it('ResNet-20 (option A), in training mode (batch statistics, running ones updated) and in evaluation', async () => {
    const spec = resnet20Spec(new Rng(5));
    const train = await bothForwards(
      spec,
      () => cifarResNet(20),
      (x, m) => resnet20Tfjs(x, m, true),
      'layer3.2.bn2',
    );
    expectClose(train.ours.logits, train.theirs.logits);
    expectClose(train.ours.runningVar, train.theirs.runningVar);
    const evaluation = await bothForwards(
      spec,
      () => cifarResNet(20).eval(),
      (x, m) => resnet20Tfjs(x, m, false),
      'bn1',
    );
    expectClose(evaluation.ours.logits, evaluation.theirs.logits);
  });

  it('DenseNet-40 (k = 12), in training mode', async () => {
    const r = await bothForwards(
      densenet40Spec(new Rng(7)),
      () => cifarDenseNet(),
      densenet40Tfjs,
      'features.norm5',
    );
    expectClose(r.ours.logits, r.theirs.logits);
    expectClose(r.ours.runningVar, r.theirs.runningVar);
  }, 30_000);
});
