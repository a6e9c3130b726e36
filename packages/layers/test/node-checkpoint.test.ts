// Checkpoint files (the Node-only entry): atomic writes, bit-identical reloads, corrupt files refused.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as d from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, CheckpointError, Conv2D, Dense, Flatten, Sequential } from '../src/index.js';
import { loadCheckpoint, loadCheckpointInto, saveCheckpoint } from '../src/node/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-layers-'));
beforeAll(() => useCpu());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const net = (seed: number) =>
  new Sequential({
    conv: new Conv2D(2, 3, 3, { rng: new d.Rng(seed) }),
    bn: new BatchNorm(3),
    flat: new Flatten(),
    fc: new Dense(12, 2, { rng: new d.Rng(seed + 1) }),
  });

const bits = async (t: d.Tensor) => Array.from(new Uint8Array((await t.data()).slice().buffer));

describe('saveCheckpoint / loadCheckpoint', () => {
  it('a checkpoint saved by Dendrite loads back bit-identically (parameters and buffers)', async () => {
    await expectNoLeak(async () => {
      const a = net(1);
      // Move the BN statistics and the counter off their initial values.
      using x = new d.Rng(3).normal([4, 4, 4, 2]);
      d.dispose(a.forward(x));
      const path = join(dir, 'a.safetensors');
      await saveCheckpoint(a, path, { metadata: { step: '1' } });
      const b = net(2);
      await loadCheckpointInto(b, path);
      const [sa, sb] = [a.stateDict(), b.stateDict()];
      expect(Object.keys(sb)).toEqual(Object.keys(sa));
      for (const k of Object.keys(sa)) {
        expect([sb[k].dtype, sb[k].shape]).toEqual([sa[k].dtype, sa[k].shape]);
        expect(await bits(sb[k]), k).toEqual(await bits(sa[k]));
      }
      const { tensors, metadata } = await loadCheckpoint(path);
      expect(metadata).toEqual({ step: '1' });
      expect(await tensors['bn.numBatchesTracked'].item()).toBe(1);
      d.dispose(tensors);
      a.dispose();
      b.dispose();
    });
  });

  it('writes atomically: replaces the old file and leaves no temporary files, even on failure', async () => {
    const m = net(4);
    const path = join(dir, 'atomic.safetensors');
    writeFileSync(path, 'old contents');
    await saveCheckpoint(m.stateDict(), path);
    expect(readFileSync(path).subarray(0, 12).toString()).not.toBe('old contents');
    await expect(saveCheckpoint(m, join(dir, 'missing-folder', 'x.safetensors'))).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    m.dispose();
  });

  it('refuses a truncated file and a mismatched model with typed errors', async () => {
    await expectNoLeak(async () => {
      const m = net(5);
      const path = join(dir, 'full.safetensors');
      await saveCheckpoint(m, path);
      const bytes = readFileSync(path);
      const truncated = join(dir, 'truncated.safetensors');
      writeFileSync(truncated, bytes.subarray(0, bytes.length - 10));
      await expect(loadCheckpoint(truncated)).rejects.toThrow(CheckpointError);
      const other = new Sequential({ conv: new Conv2D(2, 4, 3) });
      await expect(loadCheckpointInto(other, path, { strict: false })).rejects.toThrow(d.ShapeError);
      await expect(loadCheckpointInto(other, path)).rejects.toThrow(d.ArgumentError);
      m.dispose();
      other.dispose();
    });
  });
});
