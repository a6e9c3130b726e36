/**
 * A feed-forward network (the `mlp` builder of @dendrite/architectures: 64-128-10, ReLU) trained on the
 * bundled 8x8 handwritten digits with Adam and the training loop of @dendrite/optim, on a stratified
 * 70/15/15 split standardised with training statistics.
 *
 *   target: test accuracy >= 0.95 (quick: the same target after 8 epochs instead of 30)
 *
 *   pnpm --filter @dendrite/examples example:mlp [--quick] [--seed 1]
 */
import { mlp } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { DataLoader, fitStandardize, splitDataset } from '@dendrite/data';
import { digits } from '@dendrite/data/node';
import { crossEntropy } from '@dendrite/layers';
import { Adam, accuracy, train } from '@dendrite/optim';
import { exampleOptions, reportTarget, seconds, useBackend } from './kit.js';

const options = exampleOptions('A 64-128-10 MLP on the 8x8 digits');
await useBackend(options.backend);
const start = performance.now();
const epochs = options.quick ? 8 : 30;

const all = await digits();
const parts = splitDataset(
  all,
  { train: 0.7, validation: 0.15, test: 0.15 },
  { seed: options.seed, stratify: all.columns.y.data },
);
const standardize = await fitStandardize(parts.train);
const loader = (set: typeof parts.train, shuffle: boolean) =>
  new DataLoader(set, {
    batchSize: shuffle ? 32 : 512,
    shuffle,
    seed: options.seed,
    transforms: [standardize],
  });

const model = mlp({
  input: 64,
  hidden: [128],
  outputs: 10,
  kernelInitializer: 'heUniform',
  rng: new d.Rng(options.seed),
});
type Batch = { x: d.Tensor; y: d.Tensor };
const labels = (b: Batch) => b.y;
const optimizer = new Adam(model.trainableParameters(), { lr: 3e-3 });
console.log(
  `digits MLP: ${model.countParameters()} parameters, ${parts.train.length} training digits, ${epochs} epochs`,
);
await train({
  optimizer,
  loss: (b: Batch) => {
    const output = model.forward(b.x);
    return { loss: crossEntropy(output, b.y), output };
  },
  data: loader(parts.train, true),
  validation: { data: loader(parts.validation, false) },
  epochs,
  metrics: { accuracy: accuracy(labels) },
  onProgress: (e) => {
    if (e.type === 'epochEnd' && ((e.epoch + 1) % 5 === 0 || e.epoch + 1 === epochs)) {
      console.log(
        `epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}, validation accuracy ${e.metrics.val_accuracy.toFixed(4)}`,
      );
    }
  },
});

let right = 0;
for await (const b of loader(parts.test, false)) {
  const hits = d.tidy(() => d.sum(d.castTo(d.equal(d.argmax(model.forward(b.x), 1), b.y), 'float32')));
  right += await hits.item();
  hits.dispose();
}
console.log(`${parts.test.length} test digits in ${seconds(start)}`);
reportTarget('test accuracy', right / parts.test.length, '>=', 0.95);
optimizer.dispose();
model.dispose();
