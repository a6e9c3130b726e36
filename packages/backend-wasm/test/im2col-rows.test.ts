/**
 * The heap im2col that the filter gradient's calling thread and helpers run (kernel-workers.ts) against
 * the kit's im2col: the same columns bit for bit, padding, stride, dilation, short and long window rows,
 * with and without the emitted copy_rows runs, and the helpers' copy built from its source text.
 */
import { convGeometry, im2col } from '@dendrite/core/kit';
import { describe, expect, it } from 'vitest';
import { EmittedKernels } from '../src/codegen/emitted-kernels.js';
import { HELPER_LOOP, im2colRows, im2colRuns } from '../src/runtime/kernel-workers.js';

const CASES: { x: [number, number, number, number]; k: number; s: number; d: number; p: number }[] = [
  { x: [2, 7, 6, 3], k: 3, s: 1, d: 1, p: 1 }, // window rows of 9 floats: copied float by float
  { x: [2, 9, 8, 16], k: 3, s: 1, d: 1, p: 1 }, // 48-float rows: copyWithin
  { x: [1, 9, 9, 16], k: 3, s: 2, d: 1, p: 1 },
  { x: [1, 10, 11, 4], k: 3, s: 1, d: 2, p: 2 }, // dilation: tap by tap
  { x: [2, 5, 5, 40], k: 2, s: 1, d: 1, p: 0 },
  { x: [1, 6, 6, 33], k: 5, s: 3, d: 1, p: 3 }, // pads beyond the image on some windows
];

describe('im2colRows', () => {
  for (const c of CASES) {
    it(`matches the kit's im2col on ${c.x.join('×')} k${c.k} s${c.s} d${c.d} p${c.p}`, () => {
      const [n, h, w, cin] = c.x;
      const g = convGeometry(c.x, [c.k, c.k, cin, 4], {
        strides: [c.s, c.s],
        pads: [
          [c.p, c.p],
          [c.p, c.p],
        ],
        dilations: [c.d, c.d],
        groups: 1,
      });
      const xs = n * h * w * cin;
      const rowLen = c.k * c.k * cin;
      const pixels = g.n * g.oh * g.ow;
      // Start a chunk mid-image, so the pixel → (n, oy, ox) split is exercised.
      const p0 = Math.floor(pixels / 3);
      const rows = pixels - p0;
      const expected = new Float32Array(rows * rowLen).fill(Number.NaN);
      const x = Float32Array.from({ length: xs }, (_, i) => (i % 7 === 3 ? -0 : Math.sin(i) * 10));
      im2col(x, g, 0, p0, rows, 0, rowLen, expected);
      const heap = new Float32Array(5 + xs + rows * rowLen).fill(Number.NaN);
      heap.set(x, 5);
      im2colRows(heap, 5, 5 + xs, p0, rows, h, w, cin, g.oh, g.ow, c.k, c.k, c.s, c.s, c.d, c.d, c.p, c.p);
      const got = heap.subarray(5 + xs);
      for (let i = 0; i < got.length; i++) expect(Object.is(got[i], expected[i])).toBe(true);
      expect(heap.subarray(5, 5 + xs)).toEqual(x);
      // The same through copy_rows runs, on a wasm heap (x at float 7, the columns after it).
      const memory = new WebAssembly.Memory({ initial: 64 });
      const f32 = new Float32Array(memory.buffer);
      f32.fill(Number.NaN, 0, 7 + xs + rows * rowLen);
      f32.set(x, 7);
      const copyRows = new EmittedKernels(memory, false).elementwise().copy_rows;
      const args = [h, w, cin, g.oh, g.ow, c.k, c.k, c.s, c.s, c.d, c.d, c.p, c.p] as const;
      im2colRuns(f32, copyRows, 7, 7 + xs, p0, rows, ...args);
      const runs = f32.subarray(7 + xs, 7 + xs + rows * rowLen);
      for (let i = 0; i < runs.length; i++) expect(Object.is(runs[i], expected[i])).toBe(true);
    });
  }

  it('is in the helpers program as self-contained source', () => {
    expect(HELPER_LOOP).toContain('const im2colRows = ');
    // Rebuilt from the text alone, it computes the same columns.
    const rebuilt = new Function(`return ${im2colRows.toString()};`)() as typeof im2colRows;
    const heap = Float32Array.from({ length: 4 * 4 * 2 + 16 * 18 }, (_, i) => i);
    const copy = heap.slice();
    im2colRows(heap, 0, 32, 0, 16, 4, 4, 2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1);
    rebuilt(copy, 0, 32, 0, 16, 4, 4, 2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1);
    expect(copy).toEqual(heap);
  });
});
