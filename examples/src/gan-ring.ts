/**
 * A GAN on the 2-D ring of 8 Gaussians (radius 2, std 0.02), the standard test of mode collapse: an MLP
 * generator (8-d noise -> 64 -> 64 -> 2, ReLU) and discriminator (2 -> 64 -> 64 -> 1, LeakyReLU 0.2)
 * trained with `ganStep` — one discriminator update on a real batch and a generated one, then one
 * generator update with the non-saturating loss — by Adam (lr 1e-3, β1 0.5), batches of 128.
 *
 * Mode coverage, as VEEGAN and PacGAN count it: 2,500 generated points are registered to their nearest
 * mode when within 3 std (0.06) of it; a mode is covered when at least 20 points register to it.
 *
 *   target: at least 6 of the 8 modes covered (3 std) after 3,000 steps
 *   quick:  after 600 steps, no collapse yet: at least 6 of the 8 modes covered when registering the
 *           points within 0.4 of a mode (a quarter of the distance between neighbouring modes)
 *
 *   pnpm --filter @dendrite/examples example:gan [--quick] [--seed 1]
 */
import { ganStep, mlpGan } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { gaussianRing, gaussianRingCentres } from '@dendrite/data';
import { Adam } from '@dendrite/optim';
import { exampleOptions, reportTarget, seconds, useBackend } from './kit.js';

const options = exampleOptions('A GAN on the ring of 8 Gaussians');
await useBackend(options.backend);
const start = performance.now();
const quick = options.quick;
const steps = quick ? 600 : 3000;
const batch = 128;
const std = 0.02;
const radius = quick ? 0.4 : 3 * std;

const data = gaussianRing({ size: batch * steps, modes: 8, radius: 2, std, seed: options.seed });
const points = data.columns.x.data as Float32Array;
const rng = new d.Rng(options.seed);
const gan = mlpGan({
  latentSize: 8,
  dataSize: 2,
  generatorHidden: [64, 64],
  discriminatorHidden: [64, 64],
  rng,
});
const discriminatorOptimizer = new Adam(gan.discriminator.trainableParameters(), { lr: 1e-3, beta1: 0.5 });
const generatorOptimizer = new Adam(gan.generator.trainableParameters(), { lr: 1e-3, beta1: 0.5 });
console.log(
  `GAN: generator ${gan.generator.countParameters()} and discriminator ${gan.discriminator.countParameters()} parameters; ${steps} steps of ${batch}`,
);

const centres = gaussianRingCentres(8, 2);
/** Points registered to each mode (within `radius` of its centre) among `n` generated ones. */
async function registered(n: number): Promise<number[]> {
  const samples = gan.generate(n, new d.Rng(options.seed + 7));
  const xy = await samples.data();
  samples.dispose();
  const counts = new Array(8).fill(0);
  for (let i = 0; i < n; i++) {
    const [x, y] = [xy[2 * i], xy[2 * i + 1]];
    centres.forEach(([cx, cy], m) => {
      if (Math.hypot(x - cx, y - cy) <= radius) counts[m]++;
    });
  }
  return counts;
}

for (let step = 0; step < steps; step++) {
  const real = d.tensor(points.subarray(step * batch * 2, (step + 1) * batch * 2), [batch, 2]);
  const r = await ganStep(gan, { real, discriminatorOptimizer, generatorOptimizer, rng });
  real.dispose();
  if ((step + 1) % (quick ? 200 : 750) === 0) {
    const counts = await registered(2500);
    console.log(
      `step ${step + 1}: D loss ${r.discriminatorLoss.toFixed(3)}, G loss ${r.generatorLoss.toFixed(3)}; points per mode [${counts.join(', ')}] (${seconds(start)})`,
    );
  }
}
const counts = await registered(2500);
const covered = counts.filter((c) => c >= 20).length;
const quality = counts.reduce((a, b) => a + b, 0) / 2500;
console.log(
  `${covered} of 8 modes covered; ${(100 * quality).toFixed(1)}% of the points within ${radius} of a mode; ${seconds(start)}`,
);
reportTarget(`modes covered (points within ${radius} of a mode)`, covered, '>=', 6);
discriminatorOptimizer.dispose();
generatorOptimizer.dispose();
gan.dispose();
