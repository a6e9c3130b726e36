/**
 * The kit's `where` on operands that are each the whole output or one element (its one-loop path)
 * against the broadcasting walker it bypasses, reached with the same values as a broadcast [1, n] against
 * [2, n] output, element for element, -0 and NaN included.
 */
import { describe, expect, it } from 'vitest';
import { where } from '../src/kit/index.js';

const n = 37;
const cond = Uint8Array.from({ length: n }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
const full = (seed: number) =>
  Float32Array.from({ length: n }, (_, i) => (i === 3 ? -0 : i === 5 ? Number.NaN : Math.sin(seed + i)));
const one = (v: number) => Float32Array.of(v);

/** The walker's answer: the same operands broadcast to two rows, first row kept. */
function viaWalker(c: Uint8Array, a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(2 * n);
  const shape = (x: ArrayLike<number>) => (x.length === 1 ? [1] : [1, n]);
  where(c, shape(c), a, shape(a), b, shape(b), out, [2, n]);
  return out.subarray(0, n);
}

describe('kit where, flat operands', () => {
  const cases: [string, Uint8Array, Float32Array, Float32Array][] = [
    ['all full', cond, full(1), full(2)],
    ['two scalars', cond, one(1), one(0.2)],
    ['scalar a', cond, one(-0), full(2)],
    ['scalar b', cond, full(1), one(Number.NaN)],
    ['scalar true condition', Uint8Array.of(1), full(1), full(2)],
    ['scalar false condition, scalar b', Uint8Array.of(0), full(1), one(-0)],
  ];
  for (const [name, c, a, b] of cases) {
    it(name, () => {
      const out = new Float32Array(n);
      where(c, c.length === 1 ? [] : [n], a, a.length === 1 ? [] : [n], b, b.length === 1 ? [] : [n], out, [
        n,
      ]);
      expect(Array.from(out).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
        Array.from(viaWalker(c, a, b)).map((v) => (Object.is(v, -0) ? '-0' : v)),
      );
    });
  }
});
