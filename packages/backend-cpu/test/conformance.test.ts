// The whole conformance suite, one line per configuration: every PyTorch golden group, every ONNX node
// test, the op specs, the finite-difference gradient checks, the architecture counts and a check of each
// optional kernel backend-cpu overrides against core's default.
// - as Node users get the backend (default threads);
// - with every matmul and convolution that can be split between two threads split, however small;
// - with every optional kernel hidden, so the fixtures judge core's fused defaults too;
// - run as a GPU runs: every kernel queued and run later by core's deferredBackend (async reads only).

import { runConformance } from '@dendrite/conformance/node';
import { deferredBackend } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/cpu-backend.js';
import { createThreadedCpu } from './helpers.js';

const vitest = { describe, it, expect, beforeAll, afterAll };

await runConformance(() => createThreadedCpu({ name: 'cpu-default-threads' }), vitest);

let splitAll: CpuBackend | undefined;
await runConformance(() => (splitAll = createThreadedCpu({ name: 'cpu-split-all', threads: 2 }, 0)), vitest);
it('split matmuls and convolutions of the suite between threads', () => {
  expect(splitAll?.info().jobs).toBeGreaterThan(20);
});

await runConformance(() => new CpuBackend({ name: 'cpu', threads: 1 }), vitest, {
  withoutOptionalKernels: true,
  backendName: 'cpu-core-defaults',
});

await runConformance(() => deferredBackend(new CpuBackend({ name: 'cpu', threads: 1 })), vitest, {
  backendName: 'cpu-deferred',
});
