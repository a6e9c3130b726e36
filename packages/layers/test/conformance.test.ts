// This package's fixture adapters cover the ops of its PyTorch groups (losses, norm, lstm). The cases
// themselves run in every backend's conformance suite (`@dendrite/conformance`).
import { describe, expect, it } from 'vitest';
import { torchAdapters } from '../src/conformance/index.js';

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
