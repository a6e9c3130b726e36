/**
 * The main job: trains a 64-128-10 ReLU network on the bundled handwritten digits with Dendrite's core
 * ops (autograd, softmax cross-entropy, Adam), showing progress, validation accuracy per epoch and the
 * final test accuracy. Seeded: the same seed gives the same result.
 *
 *   pnpm train [--epochs 30] [--batch 32] [--lr 0.003] [--seed 1]
 */
import { registerCpuBackend } from '@dendrite/backend-cpu';
import * as d from '@dendrite/core';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { loadDigits } from './digits.js';

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
const rng = new d.Rng(opts.seed);

// Data: shuffle once, then 70% train / 15% validation / 15% test.
const data = loadDigits();
const order = rng.permutation(data.count);
const nTrain = Math.floor(data.count * 0.7);
const nVal = Math.floor(data.count * 0.15);
const take = (from: number, to: number) => {
  const idx = order.subarray(from, to);
  const x = new Float32Array(idx.length * 64);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(data.images.subarray(r * 64, r * 64 + 64), i * 64);
    y[i] = data.labels[r];
  });
  return { x, y, n: idx.length };
};
const train = take(0, nTrain);
const val = take(nTrain, nTrain + nVal);
const test = take(nTrain + nVal, data.count);

// Parameters: He-uniform initialisation from the seeded stream.
const he = (fanIn: number, shape: number[]) =>
  rng.uniform(shape, -Math.sqrt(6 / fanIn), Math.sqrt(6 / fanIn));
let params = [he(64, [64, 128]), d.zeros([128]), he(128, [128, 10]), d.zeros([10])];
let state = params.map((p) => [d.zerosLike(p), d.zerosLike(p)]);

const logits = (x: d.Tensor, [W1, b1, W2, b2]: d.Tensor[]) =>
  d.fusedMatmul(d.fusedMatmul(x, W1, { bias: b1, activation: 'relu' }), W2, { bias: b2 });

async function accuracy(set: { x: Float32Array; y: Int32Array; n: number }): Promise<number> {
  const predicted = d.tidy(() => d.argmax(logits(d.tensor(set.x, [set.n, 64]), params), 1));
  const p = await predicted.data();
  predicted.dispose();
  let right = 0;
  for (let i = 0; i < set.n; i++) if (p[i] === set.y[i]) right++;
  return right / set.n;
}

console.log(
  `digits: ${train.n} train / ${val.n} validation / ${test.n} test; backend ${d.getBackend().name}`,
);
const steps = Math.ceil(train.n / opts.batch);
const bar = new SingleBar({
  format: 'epoch {epoch} |{bar}| {value}/{total} steps | loss {loss}',
  hideCursor: true,
  noTTYOutput: true,
  notTTYSchedule: 5000,
});
let step = 0;
for (let epoch = 1; epoch <= opts.epochs; epoch++) {
  const perm = rng.permutation(train.n);
  bar.start(steps, 0, { epoch: String(epoch).padStart(2), loss: '-' });
  let lossSum = 0;
  for (let s = 0; s < steps; s++) {
    const rows = perm.subarray(s * opts.batch, Math.min((s + 1) * opts.batch, train.n));
    const xb = new Float32Array(rows.length * 64);
    const yb = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      xb.set(train.x.subarray(r * 64, r * 64 + 64), i * 64);
      yb[i] = train.y[r];
    });
    step++;
    const result = d.tidy(() => {
      const x = d.tensor(xb, [rows.length, 64]);
      const target = d.oneHot(d.tensor(yb, [rows.length], 'int32'), 10);
      const { value, grads } = d.valueAndGrad((...p) => d.mean(d.softmaxCrossEntropy(logits(x, p), target)))(
        ...params,
      );
      const updates = params.map((p, i) =>
        d.optimizerUpdate('adam', p, grads[i], state[i], { lr: opts.lr, step }),
      );
      return { loss: value, params: updates.map((u) => u.param), state: updates.map((u) => u.state) };
    });
    d.dispose([params, state]);
    params = result.params;
    state = result.state;
    lossSum += await result.loss.item();
    result.loss.dispose();
    bar.update(s + 1, { loss: (lossSum / (s + 1)).toFixed(4) });
  }
  bar.stop();
  console.log(
    `epoch ${epoch}: loss ${(lossSum / steps).toFixed(4)}, validation accuracy ${(await accuracy(val)).toFixed(4)}`,
  );
}
const testAccuracy = await accuracy(test);
console.log(
  `test accuracy ${testAccuracy.toFixed(4)} (${test.n} held-out digits); live tensors ${d.memory().tensors}`,
);
d.dispose([params, state]);
