// `dendrite train`: two epochs on XOR and on the digits with a small MLP finish with test metrics and a
// checkpoint that loads back into the architecture it names and reproduces the reported test accuracy;
// memory returns to its baseline; a missing backend is reported clearly.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchitecture } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { DataLoader } from '@dendrite/data';
import { loadCheckpoint, loadCheckpointInto } from '@dendrite/layers/node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadData, modelInput, selectBackend } from '../src/index.js';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rebuilds the model a checkpoint names, loads it, and measures its accuracy on the same test split. */
async function reloadAndTest(path: string): Promise<number> {
  const { metadata, tensors } = await loadCheckpoint(path);
  d.dispose(tensors);
  const data = await loadData(metadata.data, { seed: Number(metadata.seed) });
  const arch = createArchitecture(metadata.model, {
    classes: Number(metadata.classes),
    input: modelInput(metadata.model, data.exampleShape),
  });
  await loadCheckpointInto(arch.model, path);
  arch.model.eval();
  let right = 0;
  for await (const b of new DataLoader(data.test, { batchSize: 256, transforms: data.transforms })) {
    const hits = d.tidy(() =>
      d.sum(
        d.castTo(
          d.equal(d.argmax(arch.model.forward(d.reshape(b.x, [-1, ...arch.inputShape])), -1), b.y),
          'float32',
        ),
      ),
    );
    right += await hits.item();
    hits.dispose();
  }
  arch.model.dispose();
  return right / data.test.length;
}

describe('dendrite train', () => {
  for (const data of ['xor', 'digits']) {
    it(`trains an MLP on ${data} for 2 epochs and writes a checkpoint that loads back`, async () => {
      await selectBackend('cpu');
      const out = join(dir, data);
      const before = d.memory();
      const r = await cli(
        'train',
        '--model',
        'mlp',
        '--data',
        data,
        '--epochs',
        '2',
        '--lr',
        '0.01',
        '--out',
        out,
      );
      const after = d.memory();
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
        tensors: before.tensors,
        bytes: before.bytes,
      });
      expect(r.stdout).toMatch(
        /epoch 1\/2: loss [\d.]+, accuracy [\d.]+, val_loss [\d.]+, val_accuracy [\d.]+/,
      );
      expect(r.stdout).toMatch(/epoch 2\/2/);
      const reported = Number(/test: loss [\d.]+, accuracy ([\d.]+)/.exec(r.stdout)?.[1]);
      expect(reported).toBeGreaterThan(data === 'xor' ? 0.9 : 0.8);
      const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
      // Typed: numbers as numbers, epochs counted from 1 as the progress lines count them.
      expect(history.history.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
      expect(history).toMatchObject({ model: 'mlp', data, epochs: 2, seed: 1, lr: 0.01, batch: 32 });
      expect(typeof history.classes).toBe('number');
      expect(typeof history.history.epochs[0].val_accuracy).toBe('number');
      expect(history.test.examples).toBeGreaterThan(0);
      expect(await reloadAndTest(join(out, 'model.safetensors'))).toBeCloseTo(history.test.accuracy, 10);
    });
  }

  it('is repeatable: the same seed gives the same history', async () => {
    const a = await cli(
      'train',
      '--model',
      'mlp',
      '--data',
      'moons',
      '--epochs',
      '1',
      '--out',
      join(dir, 'a'),
    );
    const b = await cli(
      'train',
      '--model',
      'mlp',
      '--data',
      'moons',
      '--epochs',
      '1',
      '--out',
      join(dir, 'b'),
    );
    // Paths and wall-clock times differ between the runs; everything else must not.
    const strip = (s: string) =>
      s
        .replace(/(checkpoint|report): .*/g, '')
        .replace(/ \(\d+:\d\d\)/g, '')
        .replace(/; \d+:\d\d in all/g, '');
    expect(strip(a.stdout)).toBe(strip(b.stdout));
  });

  it('trains an autoencoder and draws its reconstructions and codes', async () => {
    const out = join(dir, 'ae');
    const r = await cli('train', '--model', 'autoencoder', '--data', 'digits', '--epochs', '1', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
    for (const name of ['loss', 'reconstructions', 'codes']) expect(html).toContain(`src="${name}.png"`);
    const recon = readFileSync(join(out, 'report', 'reconstructions.svg'), 'utf8');
    expect(recon.match(/<image /g)).toHaveLength(2 * 10);
    // One point per test image in the projection.
    const codes = readFileSync(join(out, 'report', 'codes.svg'), 'utf8');
    expect(codes).toContain('268 test images');
    expect(codes.match(/<circle [^>]*fill-opacity/g)).toHaveLength(268);
  });

  it('trains a GAN and draws a row of samples per epoch', async () => {
    const out = join(dir, 'gan');
    await selectBackend('cpu');
    const before = d.memory().tensors;
    const r = await cli(
      'train',
      '--model',
      'mlp-gan',
      '--data',
      'digits',
      '--epochs',
      '2',
      '--limit',
      '256',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(d.memory().tensors).toBe(before);
    expect(r.stdout).toMatch(/^epoch 2\/2: d_loss [\d.]+, g_loss [\d.]+/m);
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    expect(history).toMatchObject({ model: 'mlp-gan', input: [64], epochs: 2, report: 'report/index.html' });
    expect(history.history.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    const samples = readFileSync(join(out, 'report', 'samples.svg'), 'utf8');
    expect(samples).toContain('epoch 1');
    expect(samples).toContain('epoch 2');
    expect(samples.match(/<image /g)).toHaveLength(2 * 16);
    expect(readFileSync(join(out, 'report', 'index.html'), 'utf8')).toContain('src="samples.png"');
  });

  it('trains on webgpu (the software adapter where there is no GPU), and refuses models it cannot train', async () => {
    const gpu = await cli(
      'train',
      '--model',
      'mlp',
      '--data',
      'xor',
      '--backend',
      'webgpu',
      '--out',
      join(dir, 'x'),
    );
    expect(gpu.stderr).toBe('');
    expect(gpu.code).toBe(0);
    expect(gpu.stdout).toMatch(/backend webgpu/);
    expect(gpu.stdout).toMatch(/test: loss/);
    const regressor = await cli(
      'train',
      '--model',
      'lstm-regressor',
      '--data',
      'digits',
      '--out',
      join(dir, 'y'),
    );
    expect(regressor.code).toBe(1);
    expect(regressor.stderr).toMatch(/'lstm-regressor' is a regression model/);
    const missing = await cli('train', '--model', 'mlp', '--data', 'no-such-set');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/'no-such-set' is neither a data set \(digits, iris/);
  });
});
