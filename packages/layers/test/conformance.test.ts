// The PyTorch golden cases of this package's groups (losses, norm, lstm), run through the layers and
// losses by the shared conformance runner: forward values, every gradient, BN running statistics, leaks.
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@dendrite/backend-cpu';
import { registerTorchOps, runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchAdapters } from '../src/conformance/index.js';

registerTorchOps(torchAdapters);

runConformance(
  () => createCpuBackend(),
  { describe, it, expect, beforeAll, afterAll },
  {
    fixtures: [fileURLToPath(new URL('../../../fixtures/torch', import.meta.url))],
    files: ['losses.json', 'norm.json', 'lstm.json'],
  },
);

describe('torchAdapters', () => {
  it('cover every op of the losses, norm and lstm groups', () => {
    expect(Object.keys(torchAdapters).sort()).toEqual(
      [
        'batchnorm',
        'binary_cross_entropy',
        'binary_cross_entropy_with_logits',
        'layernorm',
        'lstm',
        'mse',
        'nll',
        'softmax_cross_entropy',
        'sse',
      ].sort(),
    );
  });
});
