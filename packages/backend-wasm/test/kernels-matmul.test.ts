// matmul on XNNPACK's fast path: transposes, batches, broadcasting, fused epilogues — values and
// gradients against backend-cpu; and the two XNNPACK caching traps (stale weights, reshaped weights).
import { add, fusedMatmul, matmul, relu, reshape, tensor, tidy } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesCpu, expectNoLeak, randn, useWasm } from './helpers.js';

const W = 'wasm-matmul';
beforeAll(() => useWasm(W));

describe('matmul', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['2-D', [3, 4], [4, 5], false, false],
    ['transposeA', [4, 3], [4, 5], true, false],
    ['transposeB', [3, 4], [5, 4], false, true],
    ['both transposed', [4, 3], [5, 4], true, true],
    ['batched A folds into M', [2, 3, 4], [4, 5], false, false],
    ['batched B loops', [3, 4], [2, 4, 5], false, false],
    ['both batched, broadcast', [2, 1, 3, 4], [1, 3, 4, 5], false, false],
    ['batched with transposes', [2, 4, 3], [2, 5, 4], true, true],
    // Sides that are multiples of 4 take the emitted SIMD transpose (codegen/transpose.ts).
    ['transposeB, SIMD transpose', [8, 12], [16, 12], false, true],
    ['transposeA, SIMD transpose, batched', [2, 12, 8], [2, 12, 16], true, false],
    ['both transposed, SIMD transposes, batched', [3, 12, 8], [3, 20, 12], true, true],
    ['vector rows', [1, 7], [7, 1], false, false],
    ['K = 0', [3, 0], [0, 2], false, false],
    ['M = 0', [0, 4], [4, 2], false, false],
  ];
  for (const [name, as, bs, tA, tB] of cases) {
    it(name, () =>
      expectMatchesCpu(W, [randn(as, 1), randn(bs, 2)], (a, b) =>
        matmul(a, b, { transposeA: tA, transposeB: tB }),
      ),
    );
  }

  for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'] as const) {
    it(`fusedMatmul with a [N] bias and ${activation}`, () =>
      expectMatchesCpu(W, [randn([6, 5], 3), randn([5, 4], 4), randn([4], 5)], (a, b, bias) =>
        fusedMatmul(a, b, { bias, activation }),
      ));
  }

  // backend-cpu's own fusedMatmul only takes [N] biases, so the reference is the unfused composition.
  it('fusedMatmul with a full bias, batched and transposed', () =>
    expectMatchesCpu(
      W,
      [randn([2, 5, 3], 6), randn([4, 5], 7), randn([2, 3, 4], 8)],
      (a, b, bias) => fusedMatmul(a, b, { bias, activation: 'relu', transposeA: true, transposeB: true }),
      { reference: (a, b, bias) => relu(add(matmul(a, b, { transposeA: true, transposeB: true }), bias)) },
    ));

  it('a weight read with two shapes (reshape shares storage) gets one XNNPACK operator per shape', async () => {
    await expectNoLeak(async () => {
      const got = tidy(() => {
        const w = tensor([1, 2, 3, 4, 5, 6]);
        const x = tensor([1, 1, 1, 1, 1, 1], [2, 3]);
        const y1 = matmul(x, reshape(w, [3, 2])); // [[9, 12], [9, 12]]
        const y2 = matmul(reshape(x, [3, 2]), reshape(w, [2, 3])); // [[5, 7, 9] ×3]
        const y3 = matmul(x, reshape(w, [3, 2])); // the first operator again
        return [y1, y2, y3].map((y) => Array.from(y.dataSync()));
      });
      expect(got).toEqual([
        [9, 12, 9, 12],
        [5, 7, 9, 5, 7, 9, 5, 7, 9],
        [9, 12, 9, 12],
      ]);
    });
  });
});
