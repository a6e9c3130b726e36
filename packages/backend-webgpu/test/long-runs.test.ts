// Long runs on webgpu: every reference architecture (reduced sizes, the cases of architectures' long-run
// test) trains for many steps with live tensors and backend bytes (pooled GPU buffers held by tensors)
// exactly flat after warm-up, and heap and RSS flat within a loose margin (sampled after a collection,
// see vitest.config.ts).
//
// On a software adapter (SwiftShader, what CI and GPU-less machines have) every dispatch runs on the CPU
// and each new pipeline compiles there (0.3–0.6 s), so the step counts are cut to SOFTWARE_STEPS: 100
// for the two tiny models, 20 for the LSTM regressor and LeNet-5, 10 for the rest (10 still gives 8
// memory samples after a 2-step warm-up). Every architecture runs; about 30–35 s in all on SwiftShader here,
// most of it compiling resnet8's and dcgan's pipelines. On a hardware adapter every case runs with its
// full step count.
import { setBackend } from '@dendrite/core';
import { describeLongRuns, LONG_RUNS } from '../../architectures/test/fixtures/long-runs.js';
import { useWebGPU } from './helpers.js';

const NAME = 'webgpu-long-runs';
const software = (await useWebGPU(NAME)).info().softwareAdapter === true;

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

describeLongRuns(
  software ? 'webgpu, software adapter' : 'webgpu',
  () => setBackend(NAME),
  software ? LONG_RUNS.map((c) => ({ ...c, steps: SOFTWARE_STEPS[c.name] ?? c.steps })) : LONG_RUNS,
);
