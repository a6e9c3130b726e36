/**
 * The emitted column sum against the kit's reduce over the same `[red, inner]` layout: bit-identical
 * (both keep float64 sums in row order), at column counts around the four-lane step, with special values
 * (NaN, ±Infinity, −0, subnormals) and without writing past the output.
 */
import * as kit from '@dendrite/core/kit';
import { describe, expect, it } from 'vitest';
import { columnSumFunction } from '../src/codegen/column-sum.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';

const memory = new WebAssembly.Memory({ initial: 8 });
const sumColumns = new WebAssembly.Instance(
  new WebAssembly.Module(moduleBytes([columnSumFunction()], false)),
  {
    env: { memory },
  },
).exports.sum_columns as (px: number, pacc: number, pout: number, red: number, inner: number) => void;

const SPECIALS = [0, -0, 1, -2.5, Infinity, -Infinity, Number.NaN, 1e-40, 3e38, 3e38, 1e-8];

describe('emitted column sum', () => {
  for (const inner of [2, 3, 4, 5, 7, 8, 12, 16, 20, 28, 33, 40]) {
    for (const red of [1, 2, 3, 50, 129, 300]) {
      it(`[${red}, ${inner}]`, () => {
        const f32 = new Float32Array(memory.buffer);
        const px = 64;
        const pacc = px + red * inner * 4 + 64;
        const pout = pacc + inner * 8 + 64;
        const x = f32.subarray(px / 4, px / 4 + red * inner);
        for (let i = 0; i < x.length; i++) {
          // Specials in a few columns only, so that most columns hold finite sums to compare.
          x[i] =
            i % inner === 1 && i / inner < SPECIALS.length
              ? SPECIALS[(i / inner) | 0]
              : Math.sin(i * 3.7) * 1e3;
        }
        if (red === 1 && inner > 2) x[2] = -0;
        f32[pout / 4 + inner] = 777;
        sumColumns(px, pacc, pout, red, inner);
        const want = new Float32Array(inner);
        kit.reduce('sum', x, 1, red, inner, want);
        const got = f32.slice(pout / 4, pout / 4 + inner);
        for (let i = 0; i < inner; i++)
          expect(Object.is(got[i], want[i]), `column ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
        expect(f32[pout / 4 + inner]).toBe(777);
      });
    }
  }

  // Both sides of the tiled path's size gate (4 MiB of input): the same bits as the kit.
  for (const [red, inner] of [
    [8191, 128],
    [8193, 128],
    [4000, 300],
  ]) {
    it(`[${red}, ${inner}] (${((red * inner * 4) / 2 ** 20).toFixed(2)} MiB)`, () => {
      const big = new WebAssembly.Memory({ initial: 160 });
      const sum = new WebAssembly.Instance(
        new WebAssembly.Module(moduleBytes([columnSumFunction()], false)),
        {
          env: { memory: big },
        },
      ).exports.sum_columns as typeof sumColumns;
      const f32 = new Float32Array(big.buffer);
      const x = f32.subarray(16, 16 + red * inner);
      for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 1.3) * 10 ** ((i % 7) - 3);
      const pacc = 64 + red * inner * 4 + 64;
      const pout = pacc + inner * 8 + 64;
      sum(64, pacc, pout, red, inner);
      const want = new Float32Array(inner);
      kit.reduce('sum', x, 1, red, inner, want);
      const got = f32.slice(pout / 4, pout / 4 + inner);
      for (let i = 0; i < inner; i++) expect(Object.is(got[i], want[i]), `column ${i}`).toBe(true);
    });
  }
});
