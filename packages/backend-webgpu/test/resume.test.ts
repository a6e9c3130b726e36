// Resuming a training run on webgpu: the scenario of layers' training-state test (batch norm, dropout,
// Adam, schedules, early stopping, a checkpoint folder every 2 steps), killed and resumed into a fresh
// model, ends bit-identical to the uninterrupted run on this backend — weights, losses and history.
// The scenario is small (40 examples of 6 features, 20 steps): it runs unreduced on the software adapter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory } from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, SCENARIO_STEPS } from '../../layers/test/fixtures/resume-scenario.js';
import { useWebGPU } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'dendrite-webgpu-resume-'));
beforeAll(async () => {
  await useWebGPU('webgpu-resume');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('train({ checkpoint, resume }) on webgpu', () => {
  it('a run killed after 7 steps resumes bit-identical to one never interrupted', async () => {
    const before = memory();
    const reference = (await runScenario(join(root, 'reference'))).outcome!;
    expect(reference.losses.length).toBe(SCENARIO_STEPS);
    expect(reference.backend).toMatch(/webgpu/);
    const dir = join(root, 'crashed');
    expect((await runScenario(dir, { crashAfter: 7 })).outcome).toBeNull();
    const resumed = (await runScenario(dir, { resume: true })).outcome!;
    expect(resumed.losses).toEqual(reference.losses.slice(6));
    expect(resumed.weights).toEqual(reference.weights);
    expect(resumed.history).toBe(reference.history);
    const after = memory();
    expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
      tensors: before.tensors,
      bytes: before.bytes,
    });
  }, 120_000);
});
