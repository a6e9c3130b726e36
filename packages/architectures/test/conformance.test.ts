// The whole-model PyTorch cases (fixtures/torch/models.json) and the architecture counts
// (architectures.json) through this package's builders, run by the
// shared conformance runner: outputs, every gradient, BN running statistics, the parameters after one
// SGD step, and the leak check.
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@dendrite/backend-cpu';
import { registerTorchOps, runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchAdapters } from '../src/conformance/index.js';
import { FIXTURES, readFixture } from './helpers.js';

registerTorchOps(torchAdapters);

runConformance(
  () => createCpuBackend(),
  { describe, it, expect, beforeAll, afterAll },
  { fixtures: [fileURLToPath(FIXTURES)], files: ['models.json', 'architectures.json'] },
);

describe('torchAdapters', () => {
  it('cover every op of models.json and architectures.json', () => {
    const cases = [
      ...readFixture<{ op: string }[]>('models.json'),
      ...readFixture<{ op: string }[]>('architectures.json'),
    ];
    const ops = new Set(cases.map((c) => c.op));
    expect(Object.keys(torchAdapters).sort()).toEqual([...ops].sort());
  });
});
