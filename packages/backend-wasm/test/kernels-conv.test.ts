// Convolution and pooling, forward and gradients (through autograd: conv2dBackpropInput and
// conv2dBackpropFilter, pooling gradients) against backend-cpu, over every path of the kernels: XNNPACK
// forward, the flipped stride-1 input gradient, col2im, im2col filter gradient, groups, depthwise.
import { avgPool2d, conv2dTranspose, depthwiseConv2d, maxPool2d, type Padding } from '@dendrite/core';
import { beforeAll, describe, it } from 'vitest';
import { type ConvCase, convOf, expectMatchesCpu, randn, useWasm } from './helpers.js';

const W = 'wasm-conv';
beforeAll(() => useWasm(W));

const conv: [string, ConvCase][] = [
  ['3x3 same (flipped-filter input gradient)', { x: [2, 7, 6, 3], f: [3, 3, 3, 4], padding: 'same' }],
  ['3x3 valid', { x: [1, 6, 6, 2], f: [3, 3, 2, 3] }],
  ['stride 2 same (col2im)', { x: [2, 7, 8, 3], f: [3, 3, 3, 5], strides: 2, padding: 'same' }],
  ['dilation 2', { x: [1, 9, 8, 2], f: [3, 2, 2, 3], dilations: 2, padding: 'same' }],
  [
    'asymmetric explicit pads',
    {
      x: [1, 5, 6, 2],
      f: [2, 3, 2, 2],
      padding: [
        [0, 1],
        [2, 1],
      ],
    },
  ],
  [
    'pads wider than the window (col2im)',
    {
      x: [1, 4, 4, 2],
      f: [1, 1, 2, 3],
      padding: [
        [1, 1],
        [1, 2],
      ],
    },
  ],
  ['1x1', { x: [3, 4, 4, 5], f: [1, 1, 5, 6] }],
  ['groups 2', { x: [2, 5, 5, 4], f: [3, 3, 2, 6], groups: 2, padding: 'same' }],
  ['groups 2, stride 2', { x: [1, 6, 6, 4], f: [3, 3, 2, 4], groups: 2, strides: 2 }],
];

describe('conv2d', () => {
  for (const [name, c] of conv) {
    it(name, () => expectMatchesCpu(W, [randn(c.x, 1), randn(c.f, 2)], convOf(c)));
  }

  const depthwise: [string, number[], number[], number, Padding][] = [
    ['depthwise, multiplier 1, stride 1', [2, 6, 5, 3], [3, 3, 3, 1], 1, 'same'],
    ['depthwise, multiplier 2', [1, 6, 6, 3], [3, 3, 3, 2], 1, 'same'],
    ['depthwise, stride 2', [1, 7, 7, 4], [3, 3, 4, 1], 2, 'valid'],
  ];
  for (const [name, xs, fs, strides, padding] of depthwise) {
    it(name, () =>
      expectMatchesCpu(W, [randn(xs, 3), randn(fs, 4)], (x, f) =>
        depthwiseConv2d(x, f, { strides, padding }),
      ),
    );
  }

  it('conv2dTranspose (the input gradient as a forward op)', () =>
    expectMatchesCpu(W, [randn([2, 3, 3, 4], 5), randn([3, 3, 2, 4], 6)], (x, f) =>
      conv2dTranspose(x, f, [2, 6, 6, 2], { strides: 2, padding: 'same' }),
    ));
});

describe('pooling', () => {
  const pools: [string, number[], number, number, Padding][] = [
    ['2x2 stride 2', [2, 6, 6, 3], 2, 2, 'valid'],
    ['3x3 stride 2 same (padding in windows)', [1, 7, 7, 2], 3, 2, 'same'],
    ['3x3 stride 1 same', [1, 5, 6, 4], 3, 1, 'same'],
    ['window 1', [1, 3, 3, 2], 1, 1, 'valid'],
  ];
  for (const [name, xs, window, strides, padding] of pools) {
    it(`max ${name}`, () =>
      expectMatchesCpu(W, [randn(xs, 7)], (x) => maxPool2d(x, window, { strides, padding })));
    it(`avg ${name}`, () =>
      expectMatchesCpu(W, [randn(xs, 8)], (x) => avgPool2d(x, window, { strides, padding })));
  }

  it('max pooling gradient on negative windows and ties goes to the first maximum', () => {
    // All negative (the module's MaxPoolGrad starts at FLT_MIN > 0) and tied pairs.
    const values = [-5, -5, -3, -3, -2, -9, -2, -9, -1, -1, -7, -7, -8, -8, -4, -4];
    return expectMatchesCpu(W, [{ shape: [1, 4, 4, 1], values }], (x) => maxPool2d(x, 2, { strides: 2 }));
  });
});
