// Stacked and denoising autoencoders: structure, the corruption (training mode only), greedy layer-wise
// pre-training that lowers each layer's reconstruction loss, then fine-tuning of the whole stack.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { corrupt, gradientStep, InputCorruption, pretrainGreedy, StackedAutoencoder } from '../src/index.js';
import { adam, checkLeaksAroundEachTest, expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

/** 32 binary patterns of 8 pixels made of two of four 2-pixel "strokes" (a 2-D code can hold them). */
function patterns(): d.Tensor {
  const rows: number[][] = [];
  for (let i = 0; i < 32; i++) {
    const a = i % 4;
    const b = (i >> 2) % 4;
    rows.push(Array.from({ length: 8 }, (_, p) => (p >> 1 === a || p >> 1 === b ? 1 : 0)));
  }
  return d.tensor(rows);
}

describe('StackedAutoencoder', () => {
  it('mirrors the encoder in the decoder', () => {
    const ae = new StackedAutoencoder({ sizes: [64, 32, 8], kernelInitializer: 'zeros' });
    expect(ae.encoder.layers.map((l) => (l as unknown as { outFeatures: number }).outFeatures)).toEqual([
      32, 8,
    ]);
    expect(ae.decoder.layers.map((l) => (l as unknown as { outFeatures: number }).outFeatures)).toEqual([
      32, 64,
    ]);
    expect(ae.outputShape([5, 64])).toEqual([5, 64]);
    expect(ae.countParameters()).toBe(64 * 32 + 32 + 32 * 8 + 8 + 8 * 32 + 32 + 32 * 64 + 64);
    expect(() => new StackedAutoencoder({ sizes: [64] })).toThrow(d.ArgumentError);
    ae.dispose();
  });

  it('a denoising autoencoder corrupts its input in training mode only', async () => {
    await expectNoLeak(async () => {
      const ae = new StackedAutoencoder({
        sizes: [8, 4],
        corruption: { kind: 'masking', rate: 0.5 },
        rng: new d.Rng(1),
      });
      const x = patterns();
      const train = ae.forward(x);
      ae.eval();
      const evaluated = ae.forward(x);
      const code = ae.encode(x);
      const clean = ae.decode(code);
      expect(Array.from(await evaluated.data())).toEqual(Array.from(await clean.data()));
      expect(Array.from(await train.data())).not.toEqual(Array.from(await clean.data()));
      d.dispose([x, train, evaluated, code, clean]);
      ae.dispose();
    });
  });

  it('corrupt: masking zeroes about `rate` of the inputs; Gaussian noise of std 0 changes nothing', async () => {
    await expectNoLeak(async () => {
      const x = d.ones([100, 10]);
      const masked = corrupt(x, { kind: 'masking', rate: 0.3 }, new d.Rng(2));
      const zeros = Array.from(await masked.data()).filter((v) => v === 0).length;
      expect(zeros).toBeGreaterThan(250);
      expect(zeros).toBeLessThan(350);
      const same = corrupt(x, { kind: 'gaussian', std: 0 }, new d.Rng(2));
      expect(Array.from(await same.data())).toEqual(Array.from(await x.data()));
      d.dispose([x, masked, same]);
    });
    expect(() => new InputCorruption({ kind: 'masking', rate: 1 })).toThrow(/rate in \[0, 1\)/);
  });
});

describe('pretrainGreedy', () => {
  it('trains each layer pair in turn, lowering its loss; fine-tuning then lowers the whole error', async () => {
    const x = patterns();
    const ae = new StackedAutoencoder({ sizes: [8, 6, 3], rng: new d.Rng(3) });
    const history: number[][] = [[], []];
    const second = Array.from(await ae.encoder.layers[1].stateDict().kernel.data());
    await expectNoLeak(async () => {
      const finals = await pretrainGreedy(ae, {
        data: [x],
        epochs: 40,
        optimizer: () => adam(0.05),
        corruption: { kind: 'gaussian', std: 0.05 },
        rng: new d.Rng(4),
        onEpoch: (layer, _epoch, loss) => history[layer].push(loss),
      });
      expect(finals).toEqual([history[0][39], history[1][39]]);
    });
    for (const h of history) expect(h[39]).toBeLessThan(h[0] * 0.5);
    // The second layer was trained (after the first).
    const now = ae.encoder.layers[1].stateDict().kernel;
    expect(Array.from(await now.data())).not.toEqual(second);

    const before = ae.reconstructionError(x);
    const errorBefore = await before.item();
    await expectNoLeak(async () => {
      const optimizer = adam(0.02);
      for (let i = 0; i < 30; i++) gradientStep(ae, () => ae.loss(x), optimizer).dispose();
      optimizer.dispose();
    });
    const after = ae.reconstructionError(x);
    expect(await after.item()).toBeLessThan(errorBefore);
    d.dispose([x, before, after]);
    ae.dispose();
  });

  it('refuses a bad epoch count and empty data', async () => {
    const ae = new StackedAutoencoder({ sizes: [8, 4] });
    await expect(pretrainGreedy(ae, { data: [], epochs: 0, optimizer: () => adam(1) })).rejects.toThrow(
      /epochs 0 must be a positive integer/,
    );
    await expect(pretrainGreedy(ae, { data: [], epochs: 1, optimizer: () => adam(1) })).rejects.toThrow(
      /no batches/,
    );
    ae.dispose();
  });
});
