// The fused kernels this backend overrides, against backend-cpu (values and gradients): softmax (XNNPACK
// on the last axis), log-softmax, batch norm, softmax cross-entropy, the LSTM cell, optimizer updates.
import {
  abs,
  add,
  batchNorm,
  logSoftmax,
  lstmCell,
  mul,
  type OptimizerHyper,
  type OptimizerKind,
  optimizerUpdate,
  setBackend,
  softmax,
  softmaxCrossEntropy,
  tensor,
  tidy,
} from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CPU, expectMatchesCpu, expectNoLeak, randn, useWasm } from './helpers.js';

const W = 'wasm-fused';
beforeAll(() => useWasm(W));

describe('fused kernels', () => {
  it('softmax over the last axis (XNNPACK)', () =>
    expectMatchesCpu(W, [randn([4, 7], 1)], (x) => softmax(x)));
  it('softmax over a middle axis', () => expectMatchesCpu(W, [randn([2, 5, 3], 2)], (x) => softmax(x, 1)));
  it('logSoftmax', () => expectMatchesCpu(W, [randn([3, 6], 3)], (x) => logSoftmax(x)));
  it('logSoftmax keeps large negative logits finite', () =>
    expectMatchesCpu(W, [{ shape: [1, 3], values: [0, -200, 300] }], (x) => logSoftmax(x)));

  it('batch norm with statistics', () =>
    expectMatchesCpu(
      W,
      [
        randn([4, 3, 5], 4),
        randn([5], 5),
        { shape: [5], values: [0.5, 1, 2, 0.1, 3] },
        randn([5], 6),
        randn([5], 7),
      ],
      (x, m, v, g, b) => batchNorm(x, { mean: m, variance: v }, g, b),
    ));

  it('softmax cross-entropy with soft targets', () =>
    expectMatchesCpu(
      W,
      [randn([4, 6], 8), { shape: [4, 6], values: Array.from({ length: 24 }, (_, i) => ((i * 7) % 5) / 10) }],
      (z, t) => softmaxCrossEntropy(z, t),
    ));

  it('lstm cell', () =>
    expectMatchesCpu(W, [randn([3, 8], 9), randn([3, 2], 10)], (g, c) => {
      const r = lstmCell(g, c);
      return add(r.h, mul(r.c, 2));
    }));
});

describe('optimizer updates', () => {
  const cases: [string, OptimizerKind, OptimizerHyper, number][] = [
    ['sgd', 'sgd', { lr: 0.1 }, 0],
    ['sgd momentum, first step', 'sgd', { lr: 0.1, momentum: 0.9, firstStep: true }, 1],
    [
      'sgd nesterov, weight decay, dampening',
      'sgd',
      { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
      1,
    ],
    ['adam', 'adam', { lr: 1e-3, step: 3 }, 2],
    ['adamw', 'adam', { lr: 1e-2, step: 1, weightDecay: 0.1, decoupledWeightDecay: true }, 2],
    ['amsgrad with L2', 'adam', { lr: 1e-2, step: 5, weightDecay: 0.1, amsgrad: true }, 3],
  ];
  // [3, 4] updates in one TypeScript loop, [80, 64] and [67, 65] (a tail of 3 after the four-lane
  // part) in one emitted pass (AMSGrad: a chain of passes).
  const sizes = [
    [3, 4],
    [80, 64],
    [67, 65],
  ];
  for (const [name, kind, hyper, nState] of cases)
    for (const shape of sizes) {
      it(`${name} ${JSON.stringify(shape)}`, async () => {
        const inputs = [
          randn(shape, 11),
          randn(shape, 12),
          ...Array.from({ length: nState }, (_, i) => randn(shape, 13 + i)),
        ];
        const run = async (backend: string) => {
          await setBackend(backend);
          return tidy(() => {
            const [p, g, ...s] = inputs.map((i) => tensor(Array.from(i.values), i.shape));
            // Adam's second moments are non-negative.
            const state = s.map((t, i) => (kind === 'adam' && i > 0 ? abs(t) : t));
            const r = optimizerUpdate(kind, p, g, state, hyper);
            return [r.param, ...r.state].map((t) => Array.from(t.dataSync()));
          });
        };
        const want = await run(CPU);
        await setBackend(W);
        await expectNoLeak(async () => {
          const got = await run(W);
          for (const [i, g] of got.entries())
            for (const [j, v] of g.entries()) expect(v).toBeCloseTo(want[i][j], 6);
        });
      });
    }
});
