// The strided input gradient's emitted col2im (codegen/col2im.ts, kernels/conv2d-grad-input-col2im.ts):
// through autograd against backend-cpu on one thread and on two (which path ran is read from the emitted
// kernels' keys), and the gradient's bits the same on both.
import { mul, setBackend, sum, type Tensor, tensor, tidy, valueAndGrad } from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/node.js';
import { type ConvCase, convOf, expectMatchesCpu, randn, shapedKeysDuring, useWasm } from './helpers.js';

const ONE = 'wasm-col2im-1t';
const TWO = 'wasm-col2im-2t';
const backends: Record<string, WasmBackend> = {};
beforeAll(async () => {
  backends[ONE] = await useWasm(ONE, { threads: 1 });
  backends[TWO] = await useWasm(TWO, { threads: 2 });
});
afterAll(() => {
  for (const b of Object.values(backends)) b.dispose();
});

/** The input gradient of sum(conv2d(x, f) · w) on the current backend, as float32 bits. */
function inputGradBits(c: ConvCase): Uint32Array {
  return tidy(() => {
    const xs = randn(c.x, 3);
    const fs = randn(c.f, 4);
    const x = tensor(Array.from(xs.values), xs.shape);
    const f = tensor(Array.from(fs.values), fs.shape);
    const vg = valueAndGrad((xt: Tensor) => {
      const y = convOf(c)(xt, f);
      const w = tensor(
        Array.from({ length: y.size }, (_, i) => Math.sin(i * 0.37) * 3),
        y.shape,
      );
      return sum(mul(y, w));
    })(x);
    return new Uint32Array(Float32Array.from(vg.grads[0].dataSync()).buffer);
  });
}

const cases: [string, ConvCase & { emitted: boolean }][] = [
  [
    'ResNet-20 stage 2: 3x3 stride 2 same, Cin 16',
    { x: [3, 16, 16, 16], f: [3, 3, 16, 32], strides: 2, padding: 'same', emitted: true },
  ],
  [
    'stride 2 valid, last row and column unused',
    { x: [1, 8, 9, 4], f: [3, 3, 4, 6], strides: 2, emitted: true },
  ],
  [
    'stride 3, dilation 2, pads wider than the window',
    {
      x: [2, 7, 8, 8],
      f: [2, 3, 8, 5],
      strides: 3,
      dilations: 2,
      padding: [
        [3, 1],
        [4, 2],
      ],
      emitted: true,
    },
  ],
  ['1x1 stride 2 (ResNet shortcut)', { x: [5, 6, 6, 12], f: [1, 1, 12, 24], strides: 2, emitted: true }],
  [
    'Cin 6: the kit col2im',
    { x: [2, 9, 9, 6], f: [3, 3, 6, 8], strides: 2, padding: 'same', emitted: false },
  ],
  ['stride 1: XNNPACK, no col2im', { x: [2, 6, 6, 8], f: [3, 3, 8, 8], padding: 'same', emitted: false }],
];

for (const name of [ONE, TWO]) {
  describe(`conv2d input gradient, strided, ${name}`, () => {
    for (const [title, c] of cases) {
      it(title, async () => {
        const keys = await shapedKeysDuring(backends[name], () =>
          expectMatchesCpu(name, [randn(c.x, 1), randn(c.f, 2)], convOf(c)),
        );
        expect(keys.some((k) => k.startsWith('c2i:'))).toBe(c.emitted);
      });
    }
  });
}

describe('the emitted col2im on one thread and two', () => {
  it('gives the same bits', async () => {
    expect(backends[TWO].info()).toMatchObject({ threads: 2 });
    for (const [, c] of cases.slice(0, 4)) {
      await setBackend(ONE);
      const one = inputGradBits(c);
      await setBackend(TWO);
      const two = inputGradBits(c);
      expect(two).toEqual(one);
    }
  });
});
