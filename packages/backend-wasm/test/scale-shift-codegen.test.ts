/**
 * The emitted batch-norm apply pass against the kit's batchNorm (its reference loop): bit-identical at
 * channel counts around the two-lane step, with NaN, ±Infinity, −0 and subnormals among the inputs and
 * the statistics, and no write past the output.
 */
import * as kit from '@dendrite/core/kit';
import { describe, expect, it } from 'vitest';
import { scaleShiftFunction } from '../src/codegen/scale-shift.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';

const memory = new WebAssembly.Memory({ initial: 8 });
const scaleShift = new WebAssembly.Instance(
  new WebAssembly.Module(moduleBytes([scaleShiftFunction()], false)),
  {
    env: { memory },
  },
).exports.scale_shift as (...a: number[]) => void;

const SPECIALS = [0, -0, Number.NaN, Infinity, -Infinity, 1e-40, 3e38, -7.25];

describe('emitted batch-norm apply (scale_shift)', () => {
  for (const c of [1, 2, 3, 4, 5, 12, 17]) {
    it(`${c} channels`, () => {
      const rows = 9;
      const n = rows * c;
      const x = Float32Array.from({ length: n }, (_, i) =>
        i < SPECIALS.length ? SPECIALS[i] : Math.sin(i) * 50,
      );
      const stat = (seed: number, positive: boolean) =>
        Float32Array.from({ length: c }, (_, i) => {
          const v = Math.cos(i * 1.3 + seed) * 3;
          return positive ? Math.abs(v) : v;
        });
      const [mean, variance, gamma, beta] = [stat(1, false), stat(2, true), stat(3, false), stat(4, false)];
      if (c > 2) variance[2] = 0; // eps alone
      const want = new Float32Array(n);
      kit.batchNorm(x, mean, variance, gamma, beta, 1e-5, want);
      const scale = new Float32Array(c);
      const shift = new Float32Array(c);
      kit.batchNormFold(mean, variance, gamma, beta, 1e-5, scale, shift);
      const px = 64;
      const pscale = (px + 4 * n + 64 + 7) & ~7; // 8-byte aligned
      const pshift = pscale + 8 * c;
      const pout = pshift + 8 * c + 64;
      const f32 = new Float32Array(memory.buffer);
      f32.set(x, px / 4);
      new Float64Array(memory.buffer, pscale, c).set(scale);
      new Float64Array(memory.buffer, pshift, c).set(shift);
      f32[pout / 4 + n] = 777;
      scaleShift(px, pscale, pshift, pout, n, c);
      const got = f32.slice(pout / 4, pout / 4 + n);
      for (let i = 0; i < n; i++) {
        expect(
          Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])),
          `element ${i}`,
        ).toBe(true);
      }
      expect(f32[pout / 4 + n]).toBe(777);
    });
  }
});
