// Long runs on webgpu: every reference architecture (reduced sizes, the cases of architectures' long-run
// test) trains for many steps with live tensors and backend bytes (pooled GPU buffers held by tensors)
// exactly flat after warm-up, and heap and RSS flat within a loose margin.
//
// On a software adapter (SwiftShader, what CI and GPU-less machines have) every dispatch runs on the CPU
// and each new pipeline compiles there (0.3–0.6 s), so the step counts are cut to SOFTWARE_STEPS: 100
// for the two tiny models, 20 for the LSTM regressor and LeNet-5, 10 for the rest (10 still gives 8
// memory samples after a 2-step warm-up). Every architecture runs; about 35 s in all on SwiftShader here,
// most of it compiling resnet8's and dcgan's pipelines. On a hardware adapter every case runs with its
// full step count.
import * as d from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import {
  flatness,
  LONG_RUNS,
  type LongRunCase,
  longRun,
} from '../../architectures/test/fixtures/long-runs.js';
import { useWebGPU } from './helpers.js';

const backend = await useWebGPU('webgpu-long-runs');
const software = backend.info().softwareAdapter === true;

/** Steps on a software adapter (the full counts are LONG_RUNS'); at least 10 for 8 samples after warm-up. */
const SOFTWARE_STEPS: Readonly<Record<string, number>> = {
  mlp: 100,
  autoencoder: 100,
  'mlp-gan': 10,
  'lstm-regressor': 20,
  'lstm-classifier': 10,
  'char-lm': 10,
  lenet5: 20,
  resnet8: 10,
  'densenet-bc-10-k4': 10,
  dcgan: 10,
};

function caseFor(c: LongRunCase): LongRunCase {
  return software ? { ...c, steps: SOFTWARE_STEPS[c.name] ?? c.steps } : c;
}

describe(`long runs: memory flat after warm-up (webgpu${software ? ', software adapter' : ''})`, () => {
  for (const full of LONG_RUNS) {
    const c = caseFor(full);
    it(`${c.name}: ${c.steps} steps`, async () => {
      await d.setBackend('webgpu-long-runs');
      const before = d.memory();
      const r = await longRun(c);
      const f = flatness(r);
      console.log(
        `${c.name} (webgpu): ${c.steps} steps in ${r.seconds.toFixed(1)} s, heap ${(f.heapGrowth / 1e6).toFixed(1)} MB, rss ${(f.rssGrowth / 1e6).toFixed(1)} MB, loss ${r.finalLoss.toFixed(4)}`,
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
    });
  }
});
