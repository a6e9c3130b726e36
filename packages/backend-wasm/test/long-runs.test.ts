// Long runs on wasm: every reference architecture (reduced sizes, the cases of architectures' long-run
// test) trains for many steps with live tensors and backend bytes (the wasm heap's tensor storage)
// exactly flat after warm-up, and heap and RSS flat within a loose margin.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { flatness, LONG_RUNS, longRun } from '../../architectures/test/fixtures/long-runs.js';
import { useWasm } from './helpers.js';

beforeAll(async () => {
  await useWasm('wasm-long-runs', { threads: 2 });
});

describe('long runs: memory flat after warm-up (wasm)', () => {
  for (const c of LONG_RUNS) {
    it(`${c.name}: ${c.steps} steps`, async () => {
      const before = d.memory();
      const r = await longRun(c);
      const f = flatness(r);
      console.log(
        `${c.name} (wasm): ${c.steps} steps in ${r.seconds.toFixed(1)} s, heap ${(f.heapGrowth / 1e6).toFixed(1)} MB, rss ${(f.rssGrowth / 1e6).toFixed(1)} MB, loss ${r.finalLoss.toFixed(4)}`,
      );
      expect(f.samples).toBeGreaterThanOrEqual(8);
      expect(f.tensors, 'live tensors flat').toBe(true);
      expect(f.bytes, 'backend bytes flat').toBe(true);
      expect(f.heapGrowth).toBeLessThan(32e6);
      expect(f.rssGrowth).toBeLessThan(64e6);
      expect(Number.isFinite(r.finalLoss)).toBe(true);
      const after = d.memory();
      expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
        tensors: before.tensors,
        bytes: before.bytes,
      });
    }, 120_000);
  }
});
