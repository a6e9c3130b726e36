// The README's short example, kept runnable: `pnpm --filter @dendrite/examples readme-example`.
import { registerCpuBackend } from '@dendrite/backend-cpu';
import * as d from '@dendrite/core';
import { DataLoader, moons } from '@dendrite/data';
import { crossEntropy, Dense, Sequential } from '@dendrite/layers';
import { Adam, accuracy, train } from '@dendrite/optim';

registerCpuBackend();
await d.setBackend('cpu'); // or 'wasm' / 'webgpu': the model code does not change

const data = new DataLoader(moons({ size: 400, noise: 0.1, seed: 1 }), {
  batchSize: 32,
  shuffle: true,
  seed: 1,
});
const rng = new d.Rng(1);
const model = new Sequential([
  new Dense(2, 32, { activation: 'tanh', rng }),
  new Dense(32, 32, { activation: 'tanh', rng }),
  new Dense(32, 2, { rng }),
]);
await train({
  optimizer: new Adam(model.parameters(), { lr: 0.01 }),
  loss: (b: { x: d.Tensor; y: d.Tensor }) => {
    const output = model.forward(b.x);
    return { loss: crossEntropy(output, b.y), output };
  },
  data,
  epochs: 100,
  metrics: { accuracy: accuracy((b: { y: d.Tensor }) => b.y) },
  onProgress: (e) => e.type === 'epochEnd' && console.log(e.epoch + 1, e.loss, e.metrics.accuracy),
});
