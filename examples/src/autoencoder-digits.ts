/**
 * A stacked autoencoder (64-32-16-32-64, sigmoid) on the bundled 8x8 digits: greedy layer-wise
 * pre-training (each encoder/decoder pair trained as a shallow autoencoder on the codes below it), then
 * fine-tuning of the whole stack, both with Adam. `--denoising` trains a denoising autoencoder instead
 * (a quarter of the input pixels masked). Writes a PNG of test digits (top row) and their
 * reconstructions (bottom row).
 *
 *   target: mean squared reconstruction error per pixel on the 270 test digits < 0.012 (pixels in
 *           [0, 1]; predicting the mean digit scores about 0.072, printed for scale)
 *   quick:  < 0.03 after a shorter run (5 pre-training epochs per layer, 25 of fine-tuning)
 *   with --denoising (the error of clean inputs, which the masking makes harder to fit): < 0.02, quick < 0.04
 *
 *   pnpm --filter @dendrite/examples example:autoencoder [--quick] [--denoising] [--out <file.png>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pretrainGreedy, StackedAutoencoder } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { DataLoader, materialize, splitDataset } from '@dendrite/data';
import { digits } from '@dendrite/data/node';
import { Adam, train } from '@dendrite/optim';
import { PNG } from 'pngjs';
import { exampleOptions, reportTarget, seconds, useBackend } from './kit.js';

const options = exampleOptions<{ denoising: boolean; out: string }>(
  'A stacked autoencoder on the digits',
  (c) =>
    c
      .option('--denoising', 'train a denoising autoencoder (masking noise)', false)
      .option(
        '--out <file>',
        'where to write the PNG',
        fileURLToPath(new URL('../../out/autoencoder-digits.png', import.meta.url)),
      ),
);
await useBackend(options.backend);
const start = performance.now();
const quick = options.quick;

const all = await digits();
const parts = splitDataset(
  all,
  { train: 0.85, test: 0.15 },
  { seed: options.seed, stratify: all.columns.y.data },
);
const loader = (set: typeof parts.train, shuffle: boolean) =>
  new DataLoader(set, { batchSize: shuffle ? 32 : 512, shuffle, seed: options.seed });
async function* inputs(set: typeof parts.train) {
  for await (const b of loader(set, true)) yield b.x;
}

const corruption = options.denoising ? ({ kind: 'masking', rate: 0.25 } as const) : undefined;
const ae = new StackedAutoencoder({ sizes: [64, 32, 16], corruption, rng: new d.Rng(options.seed) });
console.log(
  `${options.denoising ? 'denoising ' : ''}autoencoder 64-32-16-32-64: ${ae.countParameters()} parameters, ${parts.train.length} training digits`,
);

// 1. Greedy layer-wise pre-training.
const finals = await pretrainGreedy(ae, {
  data: () => inputs(parts.train),
  epochs: quick ? 5 : 20,
  optimizer: (p) => new Adam(p, { lr: 5e-3 }),
  rng: new d.Rng(options.seed + 1),
});
console.log(
  `pre-training: ${finals.map((l, i) => `layer ${i + 1} loss ${l.toFixed(4)}`).join(', ')} (${seconds(start)})`,
);

// 2. Fine-tuning of the whole stack.
const optimizer = new Adam(ae.trainableParameters(), { lr: 3e-3 });
const epochs = quick ? 25 : 100;
await train({
  optimizer,
  loss: (b: { x: d.Tensor }) => ae.loss(b.x),
  data: loader(parts.train, true),
  epochs,
  onProgress: (e) => {
    if (e.type === 'epochEnd' && (e.epoch + 1) % (quick ? 5 : 20) === 0) {
      console.log(`fine-tuning epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)} (${seconds(start)})`);
    }
  },
});

// 3. Test error, and the mean-digit baseline for scale.
ae.eval();
const test = await materialize(parts.test);
const testX = d.tensor(test.columns.x.data, test.columns.x.shape);
const error = ae.reconstructionError(testX);
const baseline = d.tidy(() => d.mean(d.square(d.sub(testX, d.mean(testX, 0, true)))));
const mse = await error.item();
console.log(
  `test reconstruction MSE ${mse.toFixed(4)} (mean-digit baseline ${(await baseline.item()).toFixed(4)}); ${seconds(start)}`,
);

// 4. The plot: 12 test digits (top) and their reconstructions (bottom), 8x8 pixels scaled 6 times.
const shown = 12;
const recon = d.noGrad(() => ae.forward(d.slice(testX, [0, 0], [shown, 64])));
const [orig, rec] = [await testX.data(), await recon.data()];
const scale = 6;
const gap = 2;
const cell = 8 * scale + gap;
const png = new PNG({ width: shown * cell + gap, height: 2 * cell + gap });
png.data.fill(255);
for (let row = 0; row < 2; row++) {
  for (let k = 0; k < shown; k++) {
    for (let p = 0; p < 64; p++) {
      const v = row === 0 ? orig[k * 64 + p] : rec[k * 64 + p];
      const grey = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const y = gap + row * cell + Math.floor(p / 8) * scale + dy;
          const x = gap + k * cell + (p % 8) * scale + dx;
          const at = 4 * (y * png.width + x);
          png.data[at] = png.data[at + 1] = png.data[at + 2] = grey;
          png.data[at + 3] = 255;
        }
      }
    }
  }
}
mkdirSync(dirname(options.out), { recursive: true });
writeFileSync(options.out, PNG.sync.write(png));
console.log(`plot: ${options.out} (top: test digits, bottom: reconstructions)`);

const bound = options.denoising ? (quick ? 0.04 : 0.02) : quick ? 0.03 : 0.012;
reportTarget('test reconstruction MSE per pixel', mse, '<', bound);
d.dispose([testX, error, baseline, recon]);
optimizer.dispose();
ae.dispose();
