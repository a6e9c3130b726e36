/**
 * The emitted SIMD tanh against Math.tanh (double, then rounded to float32): within 4 float32 ulps over
 * every magnitude from subnormals to saturation, exactly for the special values.
 */
import { describe, expect, it } from 'vitest';
import { elementwiseFunctions } from '../src/codegen/elementwise.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';

const memory = new WebAssembly.Memory({ initial: 64 });
const { tanh } = new WebAssembly.Instance(
  new WebAssembly.Module(moduleBytes(elementwiseFunctions(), false)),
  {
    env: { memory },
  },
).exports as Record<string, (pa: number, pb: number, pout: number, n: number) => void>;

/** Float32 ulps between a and b (same sign assumed near the value). */
function ulps(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(i[0] - i[1]);
}

function run(xs: Float32Array): Float32Array {
  const f32 = new Float32Array(memory.buffer);
  const n = xs.length;
  f32.set(xs, 4);
  tanh(16, 0, 16 + n * 4, n);
  return f32.slice(4 + n, 4 + 2 * n);
}

describe('emitted tanh', () => {
  it('is within 4 ulps of tanh from 1e-30 to 20, both signs', () => {
    const n = 200_000;
    const xs = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // Log-spaced magnitudes, plus a dense linear sweep of [-10, 10] (the branch point 0.55 included).
      const v = i % 2 === 0 ? 10 ** (-30 + (31.3 * i) / n) : -10 + (20 * i) / n;
      xs[i] = i % 4 < 2 ? v : -v;
    }
    const ys = run(xs);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const want = Math.fround(Math.tanh(xs[i]));
      worst = Math.max(worst, ulps(ys[i], want));
    }
    expect(worst).toBeLessThanOrEqual(4);
  });

  it('keeps -0, subnormals, ±Infinity and NaN as PyTorch', () => {
    const xs = Float32Array.from([
      -0,
      0,
      1e-40,
      -1e-40,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      9.5,
      -30,
      0.55,
      -0.55,
      3e38,
    ]);
    const ys = run(xs);
    expect(Object.is(ys[0], -0)).toBe(true);
    expect(Object.is(ys[1], 0)).toBe(true);
    expect(ys[2]).toBe(xs[2]);
    expect(ys[3]).toBe(xs[3]);
    expect([ys[4], ys[5]]).toEqual([1, -1]);
    expect(Number.isNaN(ys[6])).toBe(true);
    expect([ys[7], ys[8]]).toEqual([1, -1]);
    expect(ulps(ys[9], Math.fround(Math.tanh(xs[9])))).toBeLessThanOrEqual(4);
    expect(ulps(ys[10], Math.fround(Math.tanh(xs[10])))).toBeLessThanOrEqual(4);
    expect(ys[11]).toBe(1);
  });
});
