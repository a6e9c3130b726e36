/** An imported PyTorch model is a Module like any other: its initializers train with @dendrite/optim. */
import { readFileSync } from 'node:fs';
import { dispose, Rng, tidy } from '@dendrite/core';
import { crossEntropy } from '@dendrite/layers';
import { Adam } from '@dendrite/optim';
import { beforeAll, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index.js';
import { expectClose, runOrt, toOnnxLayout, useCpu } from './helpers.js';

beforeAll(async () => {
  await useCpu();
});

it('fine-tuning an imported CNN lowers its loss, and the tuned weights export', async () => {
  const model = importOnnx(
    new Uint8Array(readFileSync(new URL('../fixtures/torch/cnn_bn.onnx', import.meta.url))),
  );
  expect(model.trainableParameters().length).toBeGreaterThanOrEqual(6); // conv and fc weights and biases
  const r = new Rng(3);
  const x = r.normal([2, 16, 16, 1]);
  const labels = r.randint([2], 0, 5);
  const optimizer = new Adam(model.trainableParameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let step = 0; step < 6; step++) {
    const loss = tidy(() => {
      const l = crossEntropy(model.forward(x), labels);
      l.backward();
      return l;
    });
    losses.push(((await loss.data()) as Float32Array)[0]);
    loss.dispose();
    optimizer.step();
    model.zeroGrad();
  }
  expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.9);

  // The tuned model, exported, runs in ONNX Runtime to the same outputs.
  const y = model.forward(x);
  const bytes = await exportOnnx(model, { inputShape: [2, 16, 16, 1] });
  const ort = await runOrt(bytes, toOnnxLayout((await x.data()) as Float32Array, x.shape));
  expectClose(ort.data, (await y.data()) as Float32Array);
  dispose([x, labels, y]);
  model.dispose();
});
