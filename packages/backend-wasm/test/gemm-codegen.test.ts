/**
 * The run-time-emitted GEMM against a float64 reference, on its own memory: every tile/tail combination
 * of rows (M mod 4) and columns (N mod 8), A read in place and transposed, bias and each activation;
 * on plain SIMD (mul + add) and on relaxed SIMD's multiply-add, each forced.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GemmActivation, type GemmShape, gemmFunction } from '../src/codegen/gemm.js';
import { moduleBytes, relaxedSimdSupported } from '../src/codegen/wasm-encoder.js';

function run(
  s: GemmShape,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array,
  cols?: [number, number, number],
) {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const module = new WebAssembly.Module(moduleBytes([gemmFunction(s)], false));
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm as (
    ...args: number[]
  ) => void;
  const f32 = new Float32Array(memory.buffer);
  const pa = 64;
  const pb = pa + a.length * 4;
  const pbias = pb + b.length * 4;
  const pc = pbias + bias.length * 4 + 64;
  f32.set(a, pa / 4);
  f32.set(b, pb / 4);
  f32.set(bias, pbias / 4);
  // A guard value after C: a write past the end would change it.
  f32[pc / 4 + s.m * s.n] = 12345;
  f32.fill(Number.NaN, pc / 4, pc / 4 + s.m * s.n);
  const n8 = s.n - (s.n % 8);
  const [jb0, jb1, tail] = cols ?? [0, n8 * 4, 1];
  gemm(pa, pb, pc, pbias, jb0, jb1, tail);
  expect(f32[pc / 4 + s.m * s.n]).toBe(12345);
  return f32.slice(pc / 4, pc / 4 + s.m * s.n);
}

function reference(s: GemmShape, a: Float32Array, b: Float32Array, bias: Float32Array): Float64Array {
  const c = new Float64Array(s.m * s.n);
  for (let i = 0; i < s.m; i++)
    for (let j = 0; j < s.n; j++) {
      let acc = s.bias ? bias[j] : 0;
      for (let p = 0; p < s.k; p++) acc += (s.transA ? a[p * s.m + i] : a[i * s.k + p]) * b[p * s.n + j];
      if (s.activation !== 'linear') acc = Math.max(acc, 0);
      if (s.activation === 'relu6') acc = Math.min(acc, 6);
      c[i * s.n + j] = acc;
    }
  return c;
}

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) * 2);

function check(s: GemmShape) {
  const a = values(s.m * s.k, 1);
  const b = values(s.k * s.n, 2);
  const bias = values(s.n, 3);
  const got = run(s, a, b, bias);
  const want = reference(s, a, b, bias);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4 * (1 + s.k));
}

describe('emitted GEMM', () => {
  it.each([
    [1, 1, 8],
    [5, 3, 8],
    [7, 9, 10],
    [13, 17, 23],
    [128, 64, 256],
    [4, 2, 7],
    [11, 5, 1],
  ])('M=%i K=%i N=%i, plain and with A transposed', (m, k, n) => {
    for (const transA of [false, true]) check({ m, k, n, transA, bias: false, activation: 'linear' });
  });

  it.each(['linear', 'relu', 'relu6'] as GemmActivation[])('bias and %s', (activation) => {
    check({ m: 9, k: 12, n: 19, transA: false, bias: true, activation });
    check({ m: 6, k: 4, n: 16, transA: true, bias: true, activation });
  });

  it('splits the columns: two calls over halves give the whole product', () => {
    const s: GemmShape = { m: 7, k: 5, n: 21, transA: false, bias: true, activation: 'relu' };
    const a = values(s.m * s.k, 4);
    const b = values(s.k * s.n, 5);
    const bias = values(s.n, 6);
    const left = run(s, a, b, bias, [0, 32, 0]);
    const right = run(s, a, b, bias, [32, 64, 1]);
    const want = reference(s, a, b, bias);
    for (let i = 0; i < s.m; i++)
      for (let j = 0; j < s.n; j++) {
        const got = j < 8 ? left[i * s.n + j] : right[i * s.n + j];
        expect(got).toBeCloseTo(want[i * s.n + j], 4);
        // Each call writes its own columns only.
        if (j < 8) expect(right[i * s.n + j]).toBeNaN();
        else expect(left[i * s.n + j]).toBeNaN();
      }
  });

  it('matches the reference on random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 19 }),
        fc.integer({ min: 1, max: 37 }),
        fc.boolean(),
        fc.boolean(),
        (m, k, n, transA, bias) => check({ m, k, n, transA, bias, activation: 'linear' }),
      ),
      { numRuns: 40 },
    );
  });
});

describe('emitted GEMM on relaxed SIMD multiply-add', () => {
  it('is available in the test process (Node 20 gets --experimental-wasm-relaxed-simd)', () => {
    expect(relaxedSimdSupported()).toBe(true);
  });

  it.each([
    [1, 1, 8],
    [7, 9, 10],
    [13, 17, 23],
    [37, 33, 40],
    [11, 5, 1],
  ])('M=%i K=%i N=%i, plain and with A transposed', (m, k, n) => {
    for (const transA of [false, true])
      check({ m, k, n, transA, bias: false, activation: 'linear', fma: true });
  });

  it.each(['linear', 'relu', 'relu6'] as GemmActivation[])('bias and %s', (activation) => {
    check({ m: 9, k: 12, n: 19, transA: false, bias: true, activation, fma: true });
  });

  it('keeps NaN and infinities', () => {
    const s: GemmShape = { m: 4, k: 3, n: 8, transA: false, bias: false, activation: 'relu', fma: true };
    const a = values(s.m * s.k, 7);
    const b = values(s.k * s.n, 8);
    a[0] = Number.NaN;
    a[s.k] = Number.POSITIVE_INFINITY;
    const got = run(s, a, b, new Float32Array(s.n));
    const want = reference(s, a, b, new Float32Array(s.n));
    for (let i = 0; i < want.length; i++) {
      if (Number.isNaN(want[i])) expect(got[i]).toBeNaN();
      else if (!Number.isFinite(want[i])) expect(got[i]).toBe(want[i]);
      else expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-3);
    }
  });
});
