/**
 * The main job: trains a 64-128-10 ReLU network on the bundled 8×8 handwritten digits with the whole
 * stack — @dendrite/data (bundled set, stratified split, standardisation, DataLoader), @dendrite/layers
 * (Sequential of Dense layers, cross-entropy), @dendrite/optim (Adam and the training loop) — showing a
 * progress bar, validation accuracy per epoch and the final test accuracy. Seeded: the same seed gives the
 * same result.
 *
 *   pnpm train [--epochs 30] [--batch 32] [--lr 0.003] [--seed 1]
 */
import { registerCpuBackend } from '@dendrite/backend-cpu';
import * as d from '@dendrite/core';
import { DataLoader, fitStandardize, splitDataset } from '@dendrite/data';
import { digits } from '@dendrite/data/node';
import { crossEntropy, Dense, Sequential } from '@dendrite/layers';
import { Adam, accuracy, train } from '@dendrite/optim';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';

const opts = new Command()
  .description('Train an MLP on the bundled 8x8 handwritten digits')
  .option('--epochs <n>', 'passes over the training set', (v) => Number.parseInt(v, 10), 30)
  .option('--batch <n>', 'examples per step', (v) => Number.parseInt(v, 10), 32)
  .option('--lr <x>', 'Adam learning rate', Number.parseFloat, 0.003)
  .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 1)
  .parse()
  .opts<{ epochs: number; batch: number; lr: number; seed: number }>();

registerCpuBackend();
await d.setBackend('cpu');

// Data: 70% train / 15% validation / 15% test, stratified by digit, standardised with training statistics.
const all = await digits();
const parts = splitDataset(
  all,
  { train: 0.7, validation: 0.15, test: 0.15 },
  { seed: opts.seed, stratify: all.columns.y.data },
);
const standardize = await fitStandardize(parts.train);
const loader = (set: typeof parts.train, shuffle: boolean) =>
  new DataLoader(set, {
    batchSize: shuffle ? opts.batch : 512,
    shuffle,
    seed: opts.seed,
    transforms: [standardize],
  });

// Model: He-initialised ReLU layers, weights drawn from the seeded stream.
const rng = new d.Rng(opts.seed);
const model = new Sequential([
  new Dense(64, 128, { activation: 'relu', kernelInitializer: 'heUniform', rng }),
  new Dense(128, 10, { rng }),
]);
type Batch = { x: d.Tensor; y: d.Tensor };
const stepsPerEpoch = Math.ceil(parts.train.length / opts.batch);
const labels = (b: Batch) => b.y;

console.log(
  `digits: ${parts.train.length} train / ${parts.validation.length} validation / ${parts.test.length} test; ` +
    `backend ${d.getBackend().name}; ${model.describe([1, 64]).params} parameters`,
);
const bar = new SingleBar({
  format: 'epoch {epoch} |{bar}| {value}/{total} steps | loss {loss}',
  hideCursor: true,
  noTTYOutput: true,
  notTTYSchedule: 5000,
});
const history = await train({
  optimizer: new Adam(model.parameters(), { lr: opts.lr }),
  loss: (b: Batch) => {
    const output = model.forward(b.x);
    return { loss: crossEntropy(output, b.y), output };
  },
  data: loader(parts.train, true),
  epochs: opts.epochs,
  metrics: { accuracy: accuracy(labels) },
  validation: { data: loader(parts.validation, false), metrics: { accuracy: accuracy(labels) } },
  onProgress: (e) => {
    if (e.type === 'step') {
      if (e.step === 1) bar.start(stepsPerEpoch, 0, { epoch: String(e.epoch + 1).padStart(2), loss: '-' });
      bar.update(e.step, { loss: e.loss.toFixed(4) });
    } else {
      bar.stop();
      console.log(
        `epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}, accuracy ${e.metrics.accuracy.toFixed(4)}, validation accuracy ${e.metrics.val_accuracy.toFixed(4)}`,
      );
    }
  },
});

// Final test accuracy on the held-out part.
let right = 0;
for await (const b of loader(parts.test, false)) {
  const predicted = d.tidy(() => d.argmax(model.forward(b.x), 1));
  const [p, y] = [await predicted.data(), await b.y.data()];
  predicted.dispose();
  for (let i = 0; i < p.length; i++) if (p[i] === y[i]) right++;
}
console.log(
  `test accuracy ${(right / parts.test.length).toFixed(4)} after ${history.steps} steps; live tensors ${d.memory().tensors}`,
);
model.dispose();
