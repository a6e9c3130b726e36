/**
 * The emitted elementwise passes against float32 arithmetic done in JavaScript (Math.fround of the
 * double result is the correctly rounded float32 result for + − × ÷ and sqrt): bit-identical, at every
 * length around the four-lane boundary, in place too. `_r` is the reversed one-value pass, value op a.
 */
import { describe, expect, it } from 'vitest';
import { elementwiseFunctions } from '../src/codegen/elementwise.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';

const memory = new WebAssembly.Memory({ initial: 4 });
const passes = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(elementwiseFunctions(), false)), {
  env: { memory },
}).exports as Record<string, (pa: number, pb: number, pout: number, n: number) => void>;

const REFERENCE: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  sqrt: (a) => Math.sqrt(a),
  square: (a) => a * a,
};

const LENGTHS = [0, 1, 3, 4, 5, 8, 17, 1001];
const SPECIALS = [
  0,
  -0,
  1,
  -2.5,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  1e-40,
  3e38,
];

function fill(f32: Float32Array, at: number, n: number, seed: number) {
  for (let i = 0; i < n; i++)
    f32[at + i] = i < SPECIALS.length && seed === 1 ? SPECIALS[i] : Math.sin(i * 7.1 + seed) * 100;
}

describe('emitted elementwise passes', () => {
  for (const name of Object.keys(REFERENCE)) {
    const unary = name === 'sqrt' || name === 'square';
    const reversible = name === 'sub' || name === 'div';
    for (const variant of unary ? [''] : reversible ? ['_v', '_s', '_r'] : ['_v', '_s']) {
      const one = variant !== '_v';
      const ref = (a: number, b: number) =>
        variant === '_r' ? REFERENCE[name](b, a) : REFERENCE[name](a, b);
      it(`${name}${variant} at lengths ${LENGTHS.join(', ')}`, () => {
        const f32 = new Float32Array(memory.buffer);
        const fn = passes[`${name}${variant}`];
        for (const n of LENGTHS) {
          const pa = 16;
          const pb = pa + 4096 * 4;
          const pout = pb + 4096 * 4;
          fill(f32, pa / 4, n, 1);
          fill(f32, pb / 4, Math.max(n, 1), 2);
          f32[pout / 4 + n] = 777; // a write past the end would change it
          fn(pa, pb, pout, n);
          for (let i = 0; i < n; i++) {
            const a = f32[pa / 4 + i];
            const b = one ? f32[pb / 4] : f32[pb / 4 + i];
            expect(
              Object.is(f32[pout / 4 + i], Math.fround(ref(a, b))) ||
                (Number.isNaN(f32[pout / 4 + i]) && Number.isNaN(ref(a, b))),
            ).toBe(true);
          }
          expect(f32[pout / 4 + n]).toBe(777);
          // In place: the output may be the first operand.
          fill(f32, pa / 4, n, 3);
          const before = f32.slice(pa / 4, pa / 4 + n);
          fn(pa, pb, pa, n);
          for (let i = 0; i < n; i++) {
            const b = one ? f32[pb / 4] : f32[pb / 4 + i];
            expect(f32[pa / 4 + i]).toBe(Math.fround(ref(before[i], b)));
          }
        }
      });
    }
  }
});

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
};

describe('emitted comparisons (bool bytes out)', () => {
  for (const name of Object.keys(COMPARE)) {
    for (const variant of ['_v', '_s']) {
      it(`${name}${variant} at lengths 0…1001, NaN and ties included`, () => {
        const f32 = new Float32Array(memory.buffer);
        const u8 = new Uint8Array(memory.buffer);
        const fn = passes[`${name}${variant}`];
        for (const n of [0, 1, 15, 16, 17, 33, 1001]) {
          const pa = 16;
          const pb = pa + 4096 * 4;
          const pout = pb + 4096 * 4;
          fill(f32, pa / 4, n, 1);
          // Ties: every third element of b equals a's.
          for (let i = 0; i < Math.max(n, 1); i++)
            f32[pb / 4 + i] = i % 3 === 0 ? f32[pa / 4 + i] : Math.cos(i);
          if (variant === '_s') f32[pb / 4] = 0;
          u8.fill(7, pout, pout + n + 1);
          fn(pa, pb, pout, n);
          for (let i = 0; i < n; i++) {
            const b = variant === '_s' ? f32[pb / 4] : f32[pb / 4 + i];
            expect(u8[pout + i]).toBe(COMPARE[name](f32[pa / 4 + i], b) ? 1 : 0);
          }
          expect(u8[pout + n]).toBe(7);
        }
      });
    }
  }
});

/** core's composition of fusedActivationGrad, each step rounded to float32. */
const f = Math.fround;
const ACTIVATION_GRAD: Record<string, (dy: number, y: number) => number> = {
  relu: (dy, y) => f(dy * (y > 0 ? 1 : 0)),
  relu6: (dy, y) => f(dy * (y > 0 && y < 6 ? 1 : 0)),
  sigmoid: (dy, y) => f(dy * f(y * f(1 - y))),
  tanh: (dy, y) => f(dy * f(1 - f(y * y))),
};

describe('emitted fusedActivationGrad passes (dy, y)', () => {
  for (const name of Object.keys(ACTIVATION_GRAD)) {
    it(`actgrad_${name}: the composition bit for bit, special values and tails included`, () => {
      const f32 = new Float32Array(memory.buffer);
      const fn = passes[`actgrad_${name}`];
      for (const n of LENGTHS) {
        const [pa, pb, pout] = [16, 16 + 4096 * 4, 16 + 8192 * 4];
        fill(f32, pa / 4, n, 1);
        fill(f32, pb / 4, n, 2);
        // y: the special values too, and 6 (relu6's edge).
        for (let i = 0; i < Math.min(n, SPECIALS.length); i++) f32[pb / 4 + n - 1 - i] = SPECIALS[i];
        if (n > 10) f32[pb / 4 + 10] = 6;
        f32[pout / 4 + n] = 777;
        fn(pa, pb, pout, n);
        for (let i = 0; i < n; i++) {
          const want = ACTIVATION_GRAD[name](f32[pa / 4 + i], f32[pb / 4 + i]);
          const got = f32[pout / 4 + i];
          expect(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))).toBe(true);
        }
        expect(f32[pout / 4 + n]).toBe(777);
      }
    });
  }
});
