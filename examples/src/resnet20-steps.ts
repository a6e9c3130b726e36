/**
 * ResNet-20 (He et al. 2016's CIFAR ResNet: 3 stages of 3 basic blocks, option A shortcuts, 0.27 M
 * parameters) training a few steps on any backend, here on the bundled digits drawn as 32x32 colour
 * images (8x8, their own size, in the quick run).
 *
 *   target: the loss falls: the mean loss of the last third of 12 steps (batches of 32) is below that
 *           of the first third   (quick: 10 steps of 16 at 8x8)
 *
 *   pnpm --filter @dendrite/examples example:resnet [--quick] [--backend cpu|wasm|webgpu] [--seed 1]
 */
import { cifarResNet } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { trainFewSteps } from './few-steps.js';
import { exampleOptions, useBackend } from './kit.js';

const options = exampleOptions<{ steps?: number; batch?: number; lr: number }>(
  'ResNet-20 training a few steps',
  (c) =>
    c
      .option('--steps <n>', 'training steps', (v) => Number.parseInt(v, 10))
      .option('--batch <n>', 'images per step', (v) => Number.parseInt(v, 10))
      .option('--lr <x>', 'Adam learning rate', Number.parseFloat, 2e-3),
);
await useBackend(options.backend);
const model = cifarResNet(20, { rng: new d.Rng(options.seed) });
await trainFewSteps({
  name: 'ResNet-20',
  model,
  size: options.quick ? 8 : 32,
  batch: options.batch ?? (options.quick ? 16 : 32),
  steps: options.steps ?? (options.quick ? 10 : 12),
  seed: options.seed,
  lr: options.lr,
});
model.dispose();
