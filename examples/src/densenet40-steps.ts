/**
 * DenseNet-40 (Huang et al. 2017's CIFAR model: growth rate 12, 3 dense blocks of 12 layers, no
 * bottleneck or compression, 1.0 M parameters) training a few steps on any backend, here on the bundled
 * digits drawn as 32x32 colour images (8x8, their own size, in the quick run).
 *
 *   target: the loss falls: the mean loss of the last third of 9 steps (batches of 16) is below that of
 *           the first third   (quick: 10 steps of 16 at 8x8)
 *
 *   pnpm --filter @dendrite/examples example:densenet [--quick] [--backend cpu|wasm|webgpu] [--seed 1]
 */
import { cifarDenseNet } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { trainFewSteps } from './few-steps.js';
import { exampleOptions, useBackend } from './kit.js';

const options = exampleOptions<{ steps?: number; batch?: number; lr: number }>(
  'DenseNet-40 (k = 12) training a few steps',
  (c) =>
    c
      .option('--steps <n>', 'training steps', (v) => Number.parseInt(v, 10))
      .option('--batch <n>', 'images per step', (v) => Number.parseInt(v, 10))
      .option('--lr <x>', 'Adam learning rate', Number.parseFloat, 2e-3),
);
await useBackend(options.backend);
const model = cifarDenseNet({ depth: 40, growthRate: 12, rng: new d.Rng(options.seed) });
await trainFewSteps({
  name: 'DenseNet-40 (k = 12)',
  model,
  size: options.quick ? 8 : 32,
  batch: options.batch ?? 16,
  steps: options.steps ?? (options.quick ? 10 : 9),
  seed: options.seed,
  lr: options.lr,
});
model.dispose();
