// Every optimizer trajectory of fixtures/torch/optim.json (parameters after each of 5 steps), through the
// shared suite with this package's 'optimizer' adapter: on backend-cpu (its fused update kernel) and on
// backend-cpu without that kernel (core's default update, composed from ops).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuBackend } from '@dendrite/backend-cpu';
import type { Backend } from '@dendrite/core';
import { loadFixtureFile, registerTorchOps, runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchAdapters } from '../src/conformance/index.js';

registerTorchOps(torchAdapters);

const optimJson = fileURLToPath(new URL('../../../fixtures/torch/optim.json', import.meta.url));

/**
 * The optimizer cases carry `params` and `steps` but no `inputs`, which core's fixture loader (as built
 * now) requires of a PyTorch case: it would silently find no case in optim.json. Until it accepts them,
 * run a copy of the file whose cases gain an empty `inputs`; the cases are otherwise untouched.
 */
function optimFixtureFolder(): string {
  if (loadFixtureFile(optimJson).torch.length > 0) return dirname(optimJson);
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-optim-fixtures-'));
  const cases = JSON.parse(readFileSync(optimJson, 'utf8')) as Record<string, unknown>[];
  writeFileSync(join(dir, 'optim.json'), JSON.stringify(cases.map((c) => ({ inputs: {}, ...c }))));
  return dir;
}

const folder = optimFixtureFolder();
const api = { describe, it, expect, beforeAll, afterAll };

describe('optim.json', () => {
  it('holds the ten optimizer cases', () => {
    expect(loadFixtureFile(join(folder, 'optim.json')).torch.map((c) => c.name)).toEqual([
      'optim/sgd',
      'optim/sgd_momentum',
      'optim/sgd_nesterov',
      'optim/sgd_weight_decay',
      'optim/adam',
      'optim/adam_amsgrad',
      'optim/adamw',
      'optim/rmsprop',
      'optim/rmsprop_momentum',
      'optim/adagrad',
    ]);
  });
});

runConformance(() => new CpuBackend('optim-cpu'), api, {
  fixtures: [folder],
  files: ['optim.json'],
  backendName: 'optim-cpu',
});

/** backend-cpu without its fused optimizer kernel, so core's default update rules run. */
function cpuWithoutFusedUpdate(name: string): Backend {
  const inner = new CpuBackend(name);
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'optimizerUpdate') return undefined;
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as Backend;
}

runConformance(() => cpuWithoutFusedUpdate('optim-cpu-unfused'), api, {
  fixtures: [folder],
  files: ['optim.json'],
  backendName: 'optim-cpu-unfused',
});
