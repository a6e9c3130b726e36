/**
 * LeNet-5 (the `lenet5` builder: 5x5 convolutions of 6 and 16 filters with max pooling, dense layers of
 * 120 and 84, ReLU) on Fashion-MNIST, read from Debian's `dataset-fashion-mnist` files. Adam with a
 * cosine learning-rate decay over the run, inputs standardised with the data set's mean and std.
 *
 *   target: test accuracy >= 0.89 on the 10,000 test images after 4 epochs, batches of 64 (the
 *           benchmark table of the data set reports 0.876–0.916 for 2-convolution networks); about
 *           70 s per epoch on 2 cores
 *   quick:  test accuracy >= 0.75 on 2,000 test images after one epoch over 8,000 training images
 *           (batches of 32)
 *
 * Without the data set it prints how to get it and exits 0 ("skipped: …").
 *
 *   pnpm --filter @dendrite/examples example:lenet [--quick] [--seed 1] [--dir <folder>]
 */
import { lenet5 } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { DataLoader, normalize, Subset, splitDataset } from '@dendrite/data';
import { DEBIAN_FASHION_MNIST_DIR, fashionMnist } from '@dendrite/data/node';
import { crossEntropy } from '@dendrite/layers';
import { Adam, accuracy, cosineAnnealing, train } from '@dendrite/optim';
import { exampleOptions, reportTarget, seconds, skip, useBackend } from './kit.js';

const options = exampleOptions<{ dir?: string; epochs?: number; lr: number }>(
  'LeNet-5 on Fashion-MNIST',
  (c) =>
    c
      .option('--dir <folder>', `the Fashion-MNIST files (default ${DEBIAN_FASHION_MNIST_DIR})`)
      .option('--epochs <n>', 'passes over the training images (default 4; quick 1)', (v) =>
        Number.parseInt(v, 10),
      )
      .option('--lr <x>', 'initial Adam learning rate (cosine decay to 0)', Number.parseFloat, 2e-3),
);

let trainSet: Awaited<ReturnType<typeof fashionMnist>>;
let testSet: Awaited<ReturnType<typeof fashionMnist>>;
try {
  [trainSet, testSet] = await Promise.all([
    fashionMnist({ dir: options.dir, split: 'train' }),
    fashionMnist({ dir: options.dir, split: 'test' }),
  ]);
} catch (e) {
  skip(
    `Fashion-MNIST not found (${(e as Error).message.split('. ')[0]}). Install it with ` +
      `'sudo apt-get install dataset-fashion-mnist' (files in ${DEBIAN_FASHION_MNIST_DIR}) or pass --dir <folder> ` +
      'holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz',
  );
}
await useBackend(options.backend);
const start = performance.now();

const quick = options.quick;
const epochs = options.epochs ?? (quick ? 1 : 4);
const batchSize = quick ? 32 : 64;
// Training part (quick: the first 8,000 of a stratified shuffle) and 5,000 held out for validation.
const labelsOf = (set: typeof trainSet) => set.columns.y.data;
const parts = splitDataset(
  trainSet,
  { train: 11 / 12, validation: 1 / 12 },
  { seed: options.seed, stratify: labelsOf(trainSet) },
);
const train_ = quick
  ? new Subset(
      parts.train,
      Array.from({ length: 8000 }, (_, i) => i),
    )
  : parts.train;
const test = quick
  ? splitDataset(testSet, { a: 0.2, b: 0.8 }, { seed: 0, stratify: labelsOf(testSet) }).a
  : testSet;
// Fashion-MNIST's pixel mean and standard deviation.
const standardize = normalize({ mean: [0.286], std: [0.353] });
const loader = (set: typeof test, shuffle: boolean) =>
  new DataLoader(set, {
    batchSize: shuffle ? batchSize : 500,
    shuffle,
    seed: options.seed,
    transforms: [standardize],
  });

const model = lenet5({ inputShape: [28, 28, 1], rng: new d.Rng(options.seed) });
const steps = epochs * Math.ceil(train_.length / batchSize);
const optimizer = new Adam(model.trainableParameters(), { lr: options.lr });
type Batch = { x: d.Tensor; y: d.Tensor };
console.log(
  `LeNet-5: ${model.countParameters()} parameters; ${train_.length} training / ${quick ? 0 : parts.validation.length} validation / ${test.length} test images; ${epochs} epoch(s), batch ${batchSize}`,
);
let lastReport = performance.now();
await train({
  optimizer,
  loss: (b: Batch) => {
    const output = model.forward(b.x);
    return { loss: crossEntropy(output, b.y), output };
  },
  data: loader(train_, true),
  ...(quick ? {} : { validation: { data: loader(parts.validation, false) } }),
  epochs,
  metrics: { accuracy: accuracy((b: Batch) => b.y) },
  schedule: cosineAnnealing({ tMax: steps, minLr: 0 }),
  scheduleUnit: 'step',
  onProgress: (e) => {
    if (e.type === 'step' && performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      console.log(
        `  epoch ${e.epoch + 1}, step ${e.step}/${Math.ceil(train_.length / batchSize)}: loss ${e.loss.toFixed(4)} (${seconds(start)})`,
      );
    }
    if (e.type === 'epochEnd') {
      const val =
        e.metrics.val_accuracy === undefined
          ? ''
          : `, validation accuracy ${e.metrics.val_accuracy.toFixed(4)}`;
      console.log(
        `epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}, accuracy ${e.metrics.accuracy.toFixed(4)}${val} (${seconds(start)})`,
      );
    }
  },
});

let right = 0;
for await (const b of loader(test, false)) {
  const hits = d.tidy(() => d.sum(d.castTo(d.equal(d.argmax(model.forward(b.x), 1), b.y), 'float32')));
  right += await hits.item();
  hits.dispose();
}
console.log(`${test.length} test images; ${seconds(start)} in all`);
reportTarget('test accuracy', right / test.length, '>=', quick ? 0.75 : 0.89);
optimizer.dispose();
model.dispose();
