// Runs in headless Chromium (see ../browser.test.ts): the conformance suite's built-in groups (op specs,
// finite-difference gradients, invalid calls, optional kernels) and the PyTorch fixtures on navigator.gpu,
// then three SGD steps of a small CNN on WebGPU and on backend-cpu. The result goes to window.__result.
import { gradientStep, lenet5 } from '@dendrite/architectures';
import { createCpuBackend } from '@dendrite/backend-cpu';
import { fetchSource, runSuite } from '@dendrite/conformance';
import * as d from '@dendrite/core';
import { crossEntropy } from '@dendrite/layers';
import { SGD } from '@dendrite/optim';
import { WEBGPU_EXPECTED_FAILURES } from '../../src/expected-failures.js';
import { createWebGPUBackend } from '../../src/index.js';

async function train(name: string) {
  await d.setBackend(name);
  d.setSeed(7);
  const model = lenet5({ inputShape: [16, 16, 1], classes: 4 });
  const x = new d.Rng(11).normal([2, 16, 16, 1]);
  const labels = d.tensor([1, 3], [2], 'int32');
  const optimizer = new SGD(model.trainableParameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < 3; s++) {
    const loss = gradientStep(model, () => crossEntropy(model.forward(x), labels), optimizer);
    losses.push(await loss.item());
    loss.dispose();
  }
  optimizer.dispose();
  d.dispose([x, labels]);
  model.dispose();
  return losses;
}

async function main() {
  const webgpu = await createWebGPUBackend({ name: 'webgpu' });
  const suite = await runSuite(() => webgpu, {
    fixtures: [fetchSource(new URL('/fixtures/torch/', location.href))],
    expectedFailures: WEBGPU_EXPECTED_FAILURES,
    backendName: 'webgpu-suite',
  });
  // The suite disposes the backend it judged: training gets a fresh one.
  const trainer = await createWebGPUBackend({ name: 'webgpu' });
  d.registerBackend('webgpu', () => trainer, 3);
  d.registerBackend('cpu', () => createCpuBackend('cpu'), 1);
  const gpuLosses = await train('webgpu');
  const cpuLosses = await train('cpu');
  return {
    adapter: trainer.info(),
    totals: suite.totals,
    failures: suite.cases
      .filter((c) => c.status === 'fail' || c.status === 'xpass')
      .map((c) => `${c.name}: ${c.reason}`),
    gpuLosses,
    cpuLosses,
  };
}

const w = window as unknown as { __result?: unknown };
main().then(
  (r) => {
    w.__result = r;
  },
  (e: unknown) => {
    w.__result = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  },
);
