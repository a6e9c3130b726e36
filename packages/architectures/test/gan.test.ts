// GANs: the losses against their closed forms, the alternating training step (each optimizer updates
// its own network only; seeded runs repeat exactly; no leaks), DCGAN's shapes, and typed errors.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dcgan,
  discriminatorLoss,
  Gan,
  type GradientOptimizer,
  ganStep,
  generatorLoss,
  mlp,
  mlpGan,
} from '../src/index.js';
import { adam, checkLeaksAroundEachTest, expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

const softplus = (v: number) => Math.log1p(Math.exp(v));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('losses', () => {
  it('discriminator: mean softplus(−real) + mean softplus(fake); generator: mean softplus(−fake)', async () => {
    await expectNoLeak(async () => {
      const real = [1.5, -0.3, 0.2];
      const fake = [-2, 0.7, 0.1];
      const r = d.tensor(real, [3, 1]);
      const f = d.tensor(fake, [3, 1]);
      const dl = discriminatorLoss(r, f);
      const gl = generatorLoss(f);
      expect(await dl.item()).toBeCloseTo(mean(real.map((v) => softplus(-v))) + mean(fake.map(softplus)), 5);
      expect(await gl.item()).toBeCloseTo(mean(fake.map((v) => softplus(-v))), 5);
      d.dispose([r, f, dl, gl]);
    });
  });
});

/** An optimizer that records which parameters it was given, then defers to another. */
function recording(inner: GradientOptimizer & { dispose(): void }, seen: Set<unknown>) {
  return {
    step(grads: Parameters<GradientOptimizer['step']>[0]) {
      for (const p of grads.keys()) seen.add(p);
      inner.step(grads);
    },
    dispose: () => inner.dispose(),
  };
}

async function run(seed: number, steps: number) {
  const gan = mlpGan({
    latentSize: 4,
    dataSize: 2,
    generatorHidden: [16],
    discriminatorHidden: [16],
    rng: new d.Rng(seed),
  });
  const real = new d.Rng(seed + 1).normal([16, 2], 3, 0.1);
  const dSeen = new Set<unknown>();
  const gSeen = new Set<unknown>();
  const dOpt = recording(adam(0.01), dSeen);
  const gOpt = recording(adam(0.01), gSeen);
  const losses = [];
  const rng = new d.Rng(seed + 2);
  for (let i = 0; i < steps; i++) {
    losses.push(await ganStep(gan, { real, discriminatorOptimizer: dOpt, generatorOptimizer: gOpt, rng }));
  }
  const samples = gan.generate(64, new d.Rng(7));
  const mean0 = d.mean(samples, 0);
  const generatedMean = Array.from(await mean0.data());
  dOpt.dispose();
  gOpt.dispose();
  d.dispose([real, samples, mean0]);
  return { gan, losses, dSeen, gSeen, generatedMean };
}

describe('ganStep', () => {
  it('updates the discriminator and the generator with their own optimizers, repeatably', async () => {
    let first: Awaited<ReturnType<typeof run>> | undefined;
    await expectNoLeak(async () => {
      first = await run(1, 3);
      first.gan.dispose();
    });
    const { gan, losses, dSeen, gSeen } = first!;
    expect(new Set(gan.discriminator.trainableParameters())).toEqual(dSeen);
    expect(new Set(gan.generator.trainableParameters())).toEqual(gSeen);
    for (const l of losses) {
      expect(Number.isFinite(l.discriminatorLoss) && Number.isFinite(l.generatorLoss)).toBe(true);
    }
    const again = await run(1, 3);
    expect(again.losses).toEqual(losses);
    again.gan.dispose();
  });

  it('moves the generated samples towards the data', async () => {
    const { gan, generatedMean } = await run(2, 150);
    gan.dispose();
    // The data sit around (3, 3); an untrained generator's samples around 0.
    expect(Math.min(...generatedMean)).toBeGreaterThan(1.5);
  });

  it('refuses a non-positive discriminatorSteps', async () => {
    const gan = mlpGan({ latentSize: 2, dataSize: 2 });
    const real = d.zeros([2, 2]);
    const o = adam(0.1);
    await expect(
      ganStep(gan, { real, discriminatorOptimizer: o, generatorOptimizer: o, discriminatorSteps: 0 }),
    ).rejects.toThrow(/discriminatorSteps 0/);
    d.dispose(real);
    gan.dispose();
  });
});

describe('DCGAN', () => {
  it('16x16 grey images: generator in [−1, 1], discriminator to one logit, a training step without leaks', async () => {
    const gan = dcgan({
      imageSize: 16,
      channels: 1,
      latentSize: 8,
      generatorFeatures: 4,
      discriminatorFeatures: 4,
      rng: new d.Rng(3),
    });
    const rng = new d.Rng(4);
    const images = gan.generate(3, rng);
    expect(images.shape).toEqual([3, 16, 16, 1]);
    expect(Math.max(...Array.from(await images.data()).map(Math.abs))).toBeLessThanOrEqual(1);
    const logits = d.noGrad(() => gan.discriminator.forward(images));
    expect(logits.shape).toEqual([3, 1]);
    const real = rng.uniform([4, 16, 16, 1], -1, 1);
    await expectNoLeak(async () => {
      const dOpt = adam(2e-4);
      const gOpt = adam(2e-4);
      const r = await ganStep(gan, { real, discriminatorOptimizer: dOpt, generatorOptimizer: gOpt, rng });
      expect(Number.isFinite(r.discriminatorLoss)).toBe(true);
      dOpt.dispose();
      gOpt.dispose();
    });
    d.dispose([images, logits, real]);
    gan.dispose();
    expect(() => dcgan({ imageSize: 24 })).toThrow(/imageSize 24 must be a power of two/);
  });

  it('a Gan refuses networks that do not fit together', () => {
    const g = mlp({ input: 2, hidden: [], outputs: 3 });
    const disc = mlp({ input: 4, hidden: [], outputs: 1 });
    expect(() => new Gan(g, disc, [2])).toThrow(d.ShapeError);
    g.dispose();
    disc.dispose();
  });
});
