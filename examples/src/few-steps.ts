/**
 * Shared by the ResNet-20 and DenseNet-40 examples: a few training steps of a CIFAR-sized classifier on
 * the bundled digits drawn as 32x32 colour images (each 8x8 digit scaled up by nearest neighbour and
 * repeated on the three channels; 8x8 as they are for the quick runs), printing every step's loss and checking
 * that the loss falls.
 */
import { gradientStep } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { digits } from '@dendrite/data/node';
import { crossEntropy, type Module } from '@dendrite/layers';
import { Adam } from '@dendrite/optim';
import { reportTarget, seconds } from './kit.js';

/** The digits as `[N, size, size, 3]` images in [0, 1] and their labels, in a seeded order. */
export async function digitImages(
  size: number,
  seed: number,
): Promise<{ x: Float32Array; y: Int32Array; n: number }> {
  const all = await digits({ layout: 'image' });
  const pixels = all.columns.x.data as Float32Array;
  const labels = all.columns.y.data as Int32Array;
  const n = all.length;
  const order = new d.Rng(seed).permutation(n);
  const scale = size / 8;
  const x = new Float32Array(n * size * size * 3);
  const y = new Int32Array(n);
  order.forEach((src, i) => {
    y[i] = labels[src];
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const v = pixels[src * 64 + Math.floor(r / scale) * 8 + Math.floor(c / scale)];
        const at = ((i * size + r) * size + c) * 3;
        x[at] = x[at + 1] = x[at + 2] = v;
      }
    }
  });
  return { x, y, n };
}

export interface FewStepsOptions {
  readonly name: string;
  readonly model: Module;
  readonly size: number;
  readonly batch: number;
  readonly steps: number;
  readonly seed: number;
  readonly lr: number;
}

/**
 * Trains `steps` steps of Adam on fresh batches and reports the target: the mean loss of the last third
 * of the steps below that of the first third.
 */
export async function trainFewSteps(o: FewStepsOptions): Promise<void> {
  const start = performance.now();
  const { x, y } = await digitImages(o.size, o.seed);
  const optimizer = new Adam(o.model.trainableParameters(), { lr: o.lr });
  const pixels = o.size * o.size * 3;
  console.log(
    `${o.name}: ${o.model.countParameters().toLocaleString('en-US')} parameters; ${o.steps} steps of ${o.batch} digits as ${o.size}x${o.size}x3 images; backend ${d.getBackend().name}`,
  );
  const losses: number[] = [];
  for (let step = 0; step < o.steps; step++) {
    const loss = d.tidy(() => {
      const xb = d.tensor(x.subarray(step * o.batch * pixels, (step + 1) * o.batch * pixels), [
        o.batch,
        o.size,
        o.size,
        3,
      ]);
      const yb = d.tensor(y.subarray(step * o.batch, (step + 1) * o.batch), [o.batch], 'int32');
      return gradientStep(o.model, () => crossEntropy(o.model.forward(xb), yb), optimizer);
    });
    losses.push(await loss.item());
    loss.dispose();
    console.log(`step ${step + 1}: loss ${losses[step].toFixed(4)} (${seconds(start)})`);
  }
  const third = Math.max(1, Math.floor(o.steps / 3));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(losses.slice(0, third));
  const last = mean(losses.slice(-third));
  console.log(
    `mean loss of the first ${third} steps ${first.toFixed(4)}, of the last ${third} ${last.toFixed(4)}`,
  );
  reportTarget(`mean loss of the last ${third} steps / first ${third} steps`, last / first, '<', 1);
  optimizer.dispose();
}
