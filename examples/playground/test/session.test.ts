// The playground's training session under Node, without a browser (so CI covers it even where Chromium is
// absent): on backend-cpu and backend-wasm (its Node entry), a switch mid-session carries the weights and
// Adam's state (the loss before and after the switch agree, and the next steps match a session that never
// switched), the loss falls on both, and nothing leaks on either backend.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { registerCpuBackend } from '@dendrite/backend-cpu';
import { registerWasmBackend } from '@dendrite/backend-wasm';
import * as d from '@dendrite/core';
import { parseDigits, twoSpirals } from '@dendrite/data';
import { expectNoLeak } from '@dendrite/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HostSet } from '../src/datasets.js';
import { ARCHITECTURES } from '../src/models.js';
import { Session } from '../src/session.js';

beforeAll(() => {
  registerCpuBackend();
  registerWasmBackend(2, { threads: 1 });
});

function spirals(): HostSet {
  const set = twoSpirals({ size: 300, noise: 0.03, seed: 7, turns: 1.5 });
  return {
    name: 'spirals',
    x: Float32Array.from(set.columns.x.data),
    y: Int32Array.from(set.columns.y.data),
    n: 300,
    features: 2,
    classes: 2,
    test: { x: new Float32Array(0), y: new Int32Array(0), n: 0 },
    extent: [-1.2, 1.2, -1.2, 1.2],
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('Session', () => {
  it('switches cpu → wasm mid-session with weights and Adam state, the loss falling on both, no leaks', async () => {
    await expectNoLeak(async () => {
      const arch = ARCHITECTURES['mlp-16-16'];
      const moving = await Session.create(spirals(), arch, 'cpu', 0.03);
      const staying = await Session.create(spirals(), arch, 'cpu', 0.03);
      try {
        const first = await moving.train(30);
        expect(await staying.train(30)).toEqual(first);
        expect(mean(first.slice(-5))).toBeLessThan(mean(first.slice(0, 5)));
        const before = await moving.evaluate();
        await moving.switchBackend('wasm');
        expect(moving.backend).toBe('wasm');
        // Each backend now holds one session's parameters and moments: nothing of `moving` stayed behind.
        const { backends } = d.memory();
        expect(backends.wasm.buffers).toBeGreaterThan(0);
        expect(backends.wasm.buffers).toBe(backends.cpu.buffers);
        const after = await moving.evaluate();
        expect(Math.abs(after.loss - before.loss)).toBeLessThan(1e-5);
        const next = await moving.train(30);
        // The same trajectory as the session that stayed on the CPU (Adam's moments came along: with
        // fresh ones the first step after the switch would differ by far more than rounding).
        await d.setBackend('cpu');
        const reference = await staying.train(30);
        for (let i = 0; i < 30; i++) expect(next[i]).toBeCloseTo(reference[i], 4);
        expect(mean(next.slice(-5))).toBeLessThan(mean(first.slice(-5)));
      } finally {
        moving.dispose();
        staying.dispose();
      }
    });
  });

  it('trains the small CNN on the digits (batches of 64), and catches a conv layer’s maps with a hook', async () => {
    const require = createRequire(import.meta.url);
    const text = gunzipSync(
      readFileSync(require.resolve('@dendrite/data/datasets/digits.csv.gz')),
    ).toString();
    const all = parseDigits(text);
    const x = Float32Array.from(all.columns.x.data);
    const y = Int32Array.from(all.columns.y.data);
    const set: HostSet = {
      name: 'digits',
      x: x.slice(0, 1500 * 64),
      y: y.slice(0, 1500),
      n: 1500,
      features: 64,
      classes: 10,
      test: { x: x.slice(1500 * 64), y: y.slice(1500), n: y.length - 1500 },
    };
    await expectNoLeak(async () => {
      const session = await Session.create(set, ARCHITECTURES['digits-cnn'], 'wasm', 0.01);
      try {
        const losses = await session.train(40);
        expect(mean(losses.slice(-8))).toBeLessThan(mean(losses.slice(0, 8)));
        const { probs, activations } = await session.predict(set.test.x.subarray(0, 4 * 64), 4, 'conv1');
        expect(probs).toHaveLength(40);
        expect(activations?.shape).toEqual([4, 8, 8, 8]);
        expect(activations?.data.some((v) => v > 0)).toBe(true);
        expect(session.layerNames()).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'logits']);
      } finally {
        session.dispose();
      }
    });
  });
});
