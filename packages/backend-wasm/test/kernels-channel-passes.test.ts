// The emitted passes of a convnet step's non-GEMM part against backend-cpu, through the ops that pick
// them: per-channel rows broadcast over [N, H, W, C] (either side for add and mul), column sums over the
// leading axes, relu on -0 and NaN, batch-norm apply and batchNormTraining, and channel concat / slice.
import {
  add,
  batchNorm,
  batchNormTraining,
  concat,
  div,
  moments,
  mul,
  relu,
  slice,
  sub,
  sum,
  type Tensor,
} from '@dendrite/core';
import { beforeAll, describe, it } from 'vitest';
import { expectMatchesCpu, randn, useWasm } from './helpers.js';

const W = 'wasm-channel-passes';
beforeAll(() => useWasm(W));

const binaries: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['add', add],
  ['sub', sub],
  ['mul', mul],
  ['div', div],
];

describe('per-channel row passes', () => {
  for (const c of [3, 4, 7, 16]) {
    for (const [name, f] of binaries) {
      it(`${name} [2, 3, 5, ${c}] with [${c}]`, () =>
        expectMatchesCpu(W, [randn([2, 3, 5, c], 1), randn([c], 2)], f));
      it(`${name} [${c}] with [2, 5, ${c}] (row first)`, () =>
        expectMatchesCpu(W, [randn([c], 3), randn([2, 5, c], 4)], f));
      it(`${name} [6, ${c}] with [1, ${c}]`, () =>
        expectMatchesCpu(W, [randn([6, c], 5), randn([1, c], 6)], f));
    }
  }
  it('specials through a row: NaN, ±Infinity, -0', () =>
    expectMatchesCpu(
      W,
      [
        { shape: [2, 4], values: [Number.NaN, -0, 0, Infinity, -Infinity, 1, -1, 2.5] },
        { shape: [4], values: [0, -0, Infinity, Number.NaN] },
      ],
      mul,
      { grads: false },
    ));
});

describe('column sums', () => {
  for (const shape of [
    [7, 2],
    [3, 4, 5],
    [2, 3, 3, 9],
    [1, 1, 6],
  ]) {
    it(`sum of [${shape}] over every axis but the last`, () =>
      expectMatchesCpu(W, [randn(shape, 7)], (x) =>
        sum(
          x,
          shape.slice(0, -1).map((_, i) => i),
        ),
      ));
  }
  it('sum over the middle axis of [3, 5, 4]', () =>
    expectMatchesCpu(W, [randn([3, 5, 4], 8)], (x) => sum(x, [1])));
  it('NaN and Infinity in a column', () =>
    expectMatchesCpu(
      W,
      [{ shape: [3, 2], values: [Number.NaN, 1, 2, Infinity, 3, -Infinity] }],
      (x) => sum(x, [0]),
      { grads: false },
    ));
});

describe('relu', () => {
  it('keeps -0 and NaN, zeroes negatives', () =>
    expectMatchesCpu(W, [{ shape: [7], values: [-0, 0, Number.NaN, -Infinity, Infinity, -1e-40, 3] }], relu, {
      grads: false,
    }));
  it('on [4, 9] with gradients', () => expectMatchesCpu(W, [randn([4, 9], 9)], relu));
});

describe('batch norm', () => {
  for (const c of [1, 3, 8]) {
    it(`batchNorm apply with batch moments, [2, 3, 3, ${c}]`, () =>
      expectMatchesCpu(W, [randn([2, 3, 3, c], 10), randn([c], 11), randn([c], 12)], (x, g, b) =>
        batchNorm(x, moments(x), g, b),
      ));
    it(`batchNormTraining, [2, 3, 3, ${c}]`, () =>
      expectMatchesCpu(W, [randn([2, 3, 3, c], 13), randn([c], 14), randn([c], 15)], (x, g, b) => {
        const r = batchNormTraining(x, g, b);
        return add(r.y, mul(add(r.mean, r.variance), 0));
      }));
  }
});

describe('channel concat and slice', () => {
  for (const [c1, c2] of [
    [1, 3],
    [5, 12],
    [24, 12],
  ]) {
    it(`concat [2, 3, ${c1}] and [2, 3, ${c2}] on the last axis`, () =>
      expectMatchesCpu(W, [randn([2, 3, c1], 16), randn([2, 3, c2], 17)], (a, b) => concat([a, b], -1)));
    it(`slice channels [${c1}, ${c1 + c2}) of [2, 3, ${c1 + c2}]`, () =>
      expectMatchesCpu(W, [randn([2, 3, c1 + c2], 18)], (x) => slice(x, [0, 0, c1], [2, 3, c2])));
  }
  it('slice that cuts a leading axis (the kit path)', () =>
    expectMatchesCpu(W, [randn([4, 3, 5], 19)], (x) => slice(x, [1, 0, 1], [2, 3, 3])));
});
