import { gemm, matmul as kitMatmul } from '@dendrite/core/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// The kit's matmul (what backend-cpu runs), returning a fresh output as the kernel does.
function matmul(
  a: Float32Array,
  as: readonly number[],
  b: Float32Array,
  bs: readonly number[],
  ta: boolean,
  tb: boolean,
  os: readonly number[],
) {
  const y = new Float32Array(os.reduce((p, d) => p * d, 1));
  kitMatmul(a, as, b, bs, ta, tb, os, y);
  return y;
}

/** Deterministic U(-1, 1) values (mulberry32), so a failure reproduces. */
function random(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

const prod = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** Float64 matmul straight from the definition, and the sum of |terms| of each output (its error scale). */
function reference(
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  ta: boolean,
  tb: boolean,
  outShape: readonly number[],
): { y: Float64Array; scale: Float64Array } {
  const r = outShape.length;
  const [m, n] = outShape.slice(r - 2);
  const k = ta ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  const y = new Float64Array(prod(outShape));
  const scale = new Float64Array(y.length);
  const batchShape = outShape.slice(0, r - 2);
  const matrixIndex = (shape: readonly number[], idx: number[]) => {
    const own = shape.length - 2;
    let flat = 0;
    for (let i = 0; i < own; i++) flat = flat * shape[i] + (shape[i] === 1 ? 0 : idx[r - 2 - own + i]);
    return flat;
  };
  for (let t = 0; t < prod(batchShape); t++) {
    const idx: number[] = [];
    let rest = t;
    for (let ax = batchShape.length - 1; ax >= 0; ax--) {
      idx[ax] = rest % batchShape[ax];
      rest = Math.floor(rest / batchShape[ax]);
    }
    const aBase = matrixIndex(aShape, idx) * m * k;
    const bBase = matrixIndex(bShape, idx) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const term = a[aBase + (ta ? p * m + i : i * k + p)] * b[bBase + (tb ? j * k + p : p * n + j)];
          s += term;
          abs += Math.abs(term);
        }
        y[(t * m + i) * n + j] = s;
        scale[(t * m + i) * n + j] = abs;
      }
    }
  }
  return { y, scale };
}

function expectClose(actual: Float32Array, expected: Float64Array, scale: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-6 * scale[i] + 1e-7;
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/** Stored operand shapes for `op(A) = [..., m, k]`, `op(B) = [..., k, n]`. */
function operandShapes(
  batchA: number[],
  batchB: number[],
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
) {
  return {
    aShape: [...batchA, ...(ta ? [k, m] : [m, k])],
    bShape: [...batchB, ...(tb ? [n, k] : [k, n])],
  };
}

function check(
  batchA: number[],
  batchB: number[],
  batch: number[],
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
  seed = 1,
): void {
  const { aShape, bShape } = operandShapes(batchA, batchB, m, n, k, ta, tb);
  const outShape = [...batch, m, n];
  const a = random(prod(aShape), seed);
  const b = random(prod(bShape), seed + 1);
  const y = matmul(a, aShape, b, bShape, ta, tb, outShape);
  const { y: expected, scale } = reference(a, aShape, b, bShape, ta, tb, outShape);
  expectClose(y, expected, scale);
}

describe('matmul kernel', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 5],
    [5, 1, 7],
    [3, 3, 300],
    [4, 4, 4],
    [5, 5, 5],
    [13, 17, 19],
    [33, 31, 65],
    [64, 64, 64],
    [97, 9, 3],
    [8, 50, 1],
    // several KC and MC blocks, edges on every side
    [201, 70, 600],
  ];
  for (const [m, n, k] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`[${m}, ${k}] @ [${k}, ${n}] transposeA=${ta} transposeB=${tb}`, () => {
          check([], [], [], m, n, k, ta, tb, m * 1000 + n + k);
        });
      }
    }
  }

  it('covers a B panel wider than one packed panel (n > 4096)', () => {
    check([], [], [], 5, 4100, 3, false, false);
    check([], [], [], 5, 4100, 3, true, true);
  });

  it('broadcasts batch axes NumPy-style', () => {
    check([2, 1], [3], [2, 3], 3, 4, 5, false, false);
    check([2, 1], [3], [2, 3], 3, 4, 5, true, true);
    check([], [4], [4], 6, 5, 7, false, false);
    check([4], [], [4], 6, 5, 7, false, true);
    check([4], [], [4], 6, 5, 7, true, false);
    check([1, 3], [2, 1], [2, 3], 5, 6, 4, true, false);
    check([2, 1, 3], [4, 1], [2, 4, 3], 4, 4, 4, false, false);
    check([1], [1], [1], 9, 9, 9, false, false);
  });

  it('handles size-0 dimensions', () => {
    expect(matmul(new Float32Array(0), [0, 3], random(12, 1), [3, 4], false, false, [0, 4])).toEqual(
      new Float32Array(0),
    );
    expect(matmul(random(6, 1), [2, 3], new Float32Array(0), [3, 0], false, false, [2, 0]).length).toBe(0);
    // k = 0: an empty sum is zero
    expect(matmul(new Float32Array(0), [2, 0], new Float32Array(0), [0, 3], false, false, [2, 3])).toEqual(
      new Float32Array(6),
    );
    expect(matmul(new Float32Array(0), [0, 2], new Float32Array(0), [3, 0], true, true, [2, 3])).toEqual(
      new Float32Array(6),
    );
    expect(
      matmul(new Float32Array(0), [0, 2, 3], random(12, 1), [3, 4], false, false, [0, 2, 4]).length,
    ).toBe(0);
    expect(
      matmul(random(6, 1), [1, 2, 3], new Float32Array(0), [0, 3, 4], false, false, [0, 2, 4]).length,
    ).toBe(0);
  });

  it('matches the float64 reference on random shapes (property)', () => {
    const dim = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 40 }));
    const batchAxis = fc.record({
      size: fc.integer({ min: 1, max: 3 }),
      aOne: fc.boolean(),
      bOne: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(batchAxis, { maxLength: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        dim,
        dim,
        dim,
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (axes, dropA, dropB, m, n, k, ta, tb, seed) => {
          const batch = axes.map((ax) => ax.size);
          const batchA = axes.map((ax) => (ax.aOne ? 1 : ax.size)).slice(Math.min(dropA, axes.length));
          const batchB = axes.map((ax) => (ax.bOne ? 1 : ax.size)).slice(Math.min(dropB, axes.length));
          check(batchA, batchB, batch, m, n, k, ta, tb, seed);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('gemm', () => {
  // packed path, and the thin paths (axpy for m < 4, dot products for n < 4)
  it.each([
    [11, 9],
    [2, 9],
    [11, 2],
    [1, 1],
  ])(
    'reads strided, offset operands and writes a sub-block of C, leaving the rest alone (m=%i n=%i)',
    (m, n) => {
      const k = 13;
      // op(A)(i, p) = a[3 + i * 2 + p * 40]: a transposed view with a gap between elements
      const a = random(3 + (m - 1) * 2 + (k - 1) * 40 + 1, 5);
      // op(B)(p, j) = b[7 + p * 12 + j]: rows of 12 of which 9 are used
      const b = random(7 + (k - 1) * 12 + n, 6);
      const cRowStride = 15;
      const cOff = 4;
      const c0 = random(cOff + (m - 1) * cRowStride + n + 3, 7);
      for (const accumulate of [false, true]) {
        const c = c0.slice();
        gemm(m, n, k, a, 3, 2, 40, b, 7, 12, 1, c, cOff, cRowStride, accumulate);
        for (let idx = 0; idx < c.length; idx++) {
          const rel = idx - cOff;
          const i = Math.floor(rel / cRowStride);
          const j = rel - i * cRowStride;
          if (rel < 0 || i >= m || j >= n) {
            expect(c[idx]).toBe(c0[idx]);
            continue;
          }
          let s = accumulate ? c0[idx] : 0;
          for (let p = 0; p < k; p++) s += a[3 + i * 2 + p * 40] * b[7 + p * 12 + j];
          expect(Math.abs(c[idx] - s)).toBeLessThan(1e-5);
        }
      }
    },
  );
});
