// The optimizer trajectories of fixtures/torch/optim.json run in every backend's conformance suite
// (`@dendrite/conformance`), with backend-cpu's fused update kernel and, in backend-cpu's run without
// optional kernels, with core's default update rules. Here: the adapter covers the file's cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { torchAdapters } from '../src/conformance/index.js';

const optimJson = new URL('../../../fixtures/torch/optim.json', import.meta.url);

describe('optim.json', () => {
  const cases = JSON.parse(readFileSync(optimJson, 'utf8')) as { name: string; op: string }[];

  it('holds the ten optimizer cases', () => {
    expect(cases.map((c) => c.name)).toEqual([
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

  it('has an adapter for every op', () => {
    expect([...new Set(cases.map((c) => c.op))].filter((op) => !(op in torchAdapters))).toEqual([]);
  });
});
