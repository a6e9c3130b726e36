// Training on webgpu: three SGD steps of LeNet-5 and of ResNet-20 match backend-cpu within 1e-4
// relative (losses; every parameter relative to its tensor's scale), and memory (tensors, bytes, the pool) is flat over 100 steps.
import { cifarResNet, gradientStep, lenet5 } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { crossEntropy, type Module } from '@dendrite/layers';
import { SGD } from '@dendrite/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../src/webgpu-backend.js';
import { CPU, relErrors, scaledErrors, useWebGPU } from './helpers.js';

const GPU = 'webgpu-training';
let backend: WebGPUBackend;
beforeAll(async () => {
  backend = await useWebGPU(GPU);
});

type Build = () => Module;

/** Builds the model on `name` (same seed, same weights), runs `steps` SGD-momentum steps. */
async function train(name: string, build: Build, inputShape: number[], classes: number, steps: number) {
  await d.setBackend(name);
  d.setSeed(7);
  const model = build();
  const rng = new d.Rng(11);
  const x = rng.normal([inputShape[0], ...inputShape.slice(1)]);
  const labels = d.tensor(
    Array.from({ length: inputShape[0] }, (_, i) => (i * 3) % classes),
    [inputShape[0]],
    'int32',
  );
  const optimizer = new SGD(model.trainableParameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = gradientStep(model, () => crossEntropy(model.forward(x), labels), optimizer);
    losses.push(await loss.item());
    loss.dispose();
  }
  const params: number[][] = [];
  for (const p of model.trainableParameters()) params.push(Array.from(await p.value.data()));
  optimizer.dispose();
  d.dispose([x, labels]);
  model.dispose();
  return { losses, params };
}

async function compare(build: Build, inputShape: number[], classes: number) {
  const want = await train(CPU, build, inputShape, classes, 3);
  const before = d.memory();
  const got = await train(GPU, build, inputShape, classes, 3);
  const after = d.memory();
  expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
    tensors: before.tensors,
    bytes: before.bytes,
  });
  expect(relErrors(got.losses, want.losses, 1e-4), 'losses').toEqual([]);
  expect(got.params.length).toBe(want.params.length);
  // A parameter after three steps is its initial value plus sums of gradients of both signs, so an
  // element near zero carries the rounding of the tensor's large terms: compare at the tensor's scale
  // (ResNet-20 at batch 2 normalises its last stage over 8 values, which amplifies that rounding).
  for (const [i, p] of got.params.entries())
    expect(scaledErrors(p, want.params[i], 1e-4), `parameter ${i}`).toEqual([]);
  expect(got.losses[2]).not.toBe(got.losses[0]);
}

describe('training on webgpu', () => {
  it('three SGD steps of LeNet-5 match backend-cpu within 1e-4 relative', async () => {
    await compare(() => lenet5({ inputShape: [28, 28, 1] }), [4, 28, 28, 1], 10);
  });

  it('three SGD steps of ResNet-20 match backend-cpu within 1e-4 relative', async () => {
    await compare(() => cifarResNet(20, { classes: 10 }), [2, 8, 8, 3], 10);
  });

  it('memory is flat over 100 training steps (no leaked buffers, the pool bounded)', async () => {
    await d.setBackend(GPU);
    d.setSeed(3);
    const model = lenet5({ inputShape: [16, 16, 1], classes: 4 });
    const x = new d.Rng(2).normal([2, 16, 16, 1]);
    const labels = d.tensor([1, 3], [2], 'int32');
    const optimizer = new SGD(model.trainableParameters(), { lr: 0.01, momentum: 0.9 });
    const marks: unknown[] = [];
    for (let s = 0; s < 100; s++) {
      const loss = gradientStep(model, () => crossEntropy(model.forward(x), labels), optimizer);
      await loss.item();
      loss.dispose();
      if (s === 10 || s === 99) {
        const m = d.memory();
        const info = backend.info();
        marks.push({
          tensors: m.tensors,
          bytes: m.bytes,
          gpu: backend.memory(),
          poolFree: info.poolFreeBytes,
          created: info.buffersCreated,
        });
      }
    }
    expect(marks[1]).toEqual(marks[0]);
    optimizer.dispose();
    d.dispose([x, labels]);
    model.dispose();
  });
});
