// Long runs on backend-cpu: every reference architecture (reduced sizes) trains for many steps with live
// tensors and backend bytes exactly flat after warm-up, and heap and RSS flat within a loose margin.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { flatness, LONG_RUNS, longRun } from './fixtures/long-runs.js';
import { useCpu } from './helpers.js';

beforeAll(() => useCpu());

describe('long runs: memory flat after warm-up (backend-cpu)', () => {
  for (const c of LONG_RUNS) {
    it(`${c.name}: ${c.steps} steps`, async () => {
      const before = d.memory();
      const r = await longRun(c);
      const f = flatness(r);
      console.log(
        `${c.name} (cpu): ${c.steps} steps in ${r.seconds.toFixed(1)} s, ${f.samples} samples after warm-up, heap ${(f.heapGrowth / 1e6).toFixed(1)} MB, rss ${(f.rssGrowth / 1e6).toFixed(1)} MB, loss ${r.finalLoss.toFixed(4)}`,
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
