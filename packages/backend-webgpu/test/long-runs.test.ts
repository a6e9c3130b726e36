// Long runs on webgpu (`pnpm test:long-runs`, not `pnpm test`): every reference architecture (reduced
// sizes, the cases of architectures' long-run fixture) trains with live tensors and backend bytes (pooled
// GPU buffers held by tensors) exactly flat after warm-up, and heap and RSS flat within a margin.
//
// On a hardware adapter every architecture runs its 1000 steps. On a software adapter (SwiftShader, what
// CI and GPU-less machines have) every dispatch runs on the CPU: measured on 2 cores, a step costs 31 ms
// of CPU (mlp) to 500 ms (resnet8), about 1.7 s for one step of every architecture, so 1000 steps of each
// would add some 15 minutes to CI. There every architecture runs SOFTWARE_STEPS steps instead (200: 17
// memory samples, 160 steps after warm-up), or DENDRITE_SOFTWARE_LONG_RUN_STEPS where set (1000 for the
// full run); the step count is in each test's name.
import { setBackend } from '@dendrite/core';
import { describeLongRuns, LONG_RUNS } from '../../architectures/test/fixtures/long-runs.js';
import { useWebGPU } from './helpers.js';

const NAME = 'webgpu-long-runs';
const software = (await useWebGPU(NAME)).info().softwareAdapter === true;

const SOFTWARE_STEPS = Number(process.env.DENDRITE_SOFTWARE_LONG_RUN_STEPS ?? 200);
if (!Number.isInteger(SOFTWARE_STEPS) || SOFTWARE_STEPS < 20) {
  throw new Error(`DENDRITE_SOFTWARE_LONG_RUN_STEPS must be an integer ≥ 20, got ${SOFTWARE_STEPS}`);
}

describeLongRuns(
  software ? 'webgpu, software adapter' : 'webgpu',
  () => setBackend(NAME),
  software ? LONG_RUNS.map((c) => ({ ...c, steps: SOFTWARE_STEPS })) : LONG_RUNS,
);
