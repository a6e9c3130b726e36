/**
 * Long runs on webgpu (`pnpm test:long-runs`, not `pnpm test`): every reference architecture (reduced
 * sizes, the cases of architectures' long-run fixture) trains with live tensors and backend bytes (pooled
 * GPU buffers held by tensors) exactly flat after warm-up, and heap and RSS flat within a margin. Split
 * in two test files (convolutional nets and the rest) so the two halves run in two processes, side by side.
 *
 * On a hardware adapter every architecture runs its 1000 steps. On a software adapter (SwiftShader, what
 * CI and GPU-less machines have) every dispatch runs on the CPU: measured on 2 cores, a step costs 30 ms
 * of CPU (mlp) to 730 ms (dcgan), about 2.4 s for one step of every architecture, so 1000 steps of each
 * would add some 20 minutes to CI. There every architecture runs SOFTWARE_STEPS steps instead (200: 17
 * memory samples, 160 steps after warm-up), or DENDRITE_SOFTWARE_LONG_RUN_STEPS where set (1000 for the
 * full run); the step count is in each test's name.
 */
import { setBackend } from '@dendrite/core';
import { describeLongRuns, LONG_RUNS } from '../../architectures/test/fixtures/long-runs.js';
import { useWebGPU } from './helpers.js';

const CONVOLUTIONAL = new Set(['lenet5', 'resnet8', 'densenet-bc-10-k4', 'dcgan']);

const SOFTWARE_STEPS = Number(process.env.DENDRITE_SOFTWARE_LONG_RUN_STEPS ?? 200);

/** The long runs of the convolutional architectures, or of all the others. */
export async function describeWebGPULongRuns(part: 'convolutional' | 'dense and recurrent'): Promise<void> {
  if (!Number.isInteger(SOFTWARE_STEPS) || SOFTWARE_STEPS < 20) {
    throw new Error(`DENDRITE_SOFTWARE_LONG_RUN_STEPS must be an integer ≥ 20, got ${SOFTWARE_STEPS}`);
  }
  const name = 'webgpu-long-runs';
  const software = (await useWebGPU(name)).info().softwareAdapter === true;
  const cases = LONG_RUNS.filter((c) => CONVOLUTIONAL.has(c.name) === (part === 'convolutional'));
  describeLongRuns(
    `${software ? 'webgpu, software adapter' : 'webgpu'}, ${part}`,
    () => setBackend(name),
    software ? cases.map((c) => ({ ...c, steps: SOFTWARE_STEPS })) : cases,
  );
}
