/**
 * The emitted GEMM inside the backend: which matmuls take it (a B new to matmul, transposed operands,
 * the bias and relu/relu6 epilogues, sigmoid and tanh after it), the row and column tails, the split across helper threads, and
 * the hand-over to XNNPACK once a B is reused — every value against backend-cpu, leaks checked.
 */
import { fusedMatmul, matmul, tensor, tidy } from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/node.js';
import { expectMatchesCpu, expectNoLeak, randn, useWasm } from './helpers.js';

// Each thread count on relaxed SIMD's multiply-add (the default where the engine has it: the test
// processes get the flag on Node 20) and forced onto plain SIMD mul + add.
for (const [threads, relaxedSimd] of [
  [1, true],
  [2, true],
  [1, false],
  [2, false],
] as const) {
  describe(`emitted GEMM, ${threads} thread(s), ${relaxedSimd ? 'relaxed' : 'plain'} SIMD`, () => {
    const W = `wasm-emitted-${threads}-${relaxedSimd}`;
    let backend: WasmBackend;
    beforeAll(async () => {
      backend = await useWasm(W, { threads, relaxedSimd });
    });
    afterAll(() => backend.dispose());

    it('has helper threads for its kernels when threaded', () => {
      expect(backend.info().kernelHelpers).toBe(threads - 1);
    });

    it(`multiplies and adds on ${relaxedSimd ? 'relaxed' : 'plain'} SIMD`, () => {
      expect(backend.info().relaxedSimdGemm).toBe(relaxedSimd);
      expect(backend.info().fallbacks).toEqual([]);
    });

    // Large enough (> 1M multiply-adds) that two threads split the column tiles; odd M and N for tails.
    const cases: [string, number[], number[], boolean, boolean][] = [
      ['plain, split', [131, 150], [150, 259], false, false],
      ['A transposed, read in place', [150, 131], [150, 259], true, false],
      ['B transposed', [131, 150], [259, 150], false, true],
      ['both transposed', [150, 131], [259, 150], true, true],
      ['a batch of A folded into M', [2, 67, 150], [150, 96], false, false],
      ['narrow: 8 columns, one row', [1, 33], [33, 8], false, false],
    ];
    for (const [name, as, bs, tA, tB] of cases) {
      it(name, () =>
        expectMatchesCpu(W, [randn(as, 11), randn(bs, 12)], (a, b) =>
          matmul(a, b, { transposeA: tA, transposeB: tB }),
        ),
      );
    }

    // sigmoid and tanh: bias in the kernel, the activation one pass over its output.
    for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'] as const) {
      it(`bias and ${activation} in the kernel`, () =>
        expectMatchesCpu(W, [randn([130, 97], 13), randn([97, 203], 14), randn([203], 15)], (a, b, bias) =>
          fusedMatmul(a, b, { bias, activation }),
        ));
    }

    it('a B used on and on goes to XNNPACK and gives the same values', async () => {
      const a = tensor(Float32Array.from(randn([64, 200], 16).values), [64, 200]);
      const b = tensor(Float32Array.from(randn([200, 96], 17).values), [200, 96]);
      await expectNoLeak(() => {
        // The first three uses on the emitted GEMM (bit-identical: same code, same order), then XNNPACK
        // (b packed once, cached), within rounding of them.
        const uses = Array.from({ length: 5 }, () => tidy(() => matmul(a, b).dataSync()));
        const [first] = uses;
        expect(uses[1]).toEqual(first);
        expect(uses[2]).toEqual(first);
        for (const later of uses.slice(3))
          for (let i = 0; i < first.length; i++)
            expect(Math.abs(first[i] - later[i])).toBeLessThan(1e-4 * (1 + Math.abs(first[i])));
      });
      a.dispose();
      b.dispose();
    });
  });
}
