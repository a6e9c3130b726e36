/**
 * The emitted strided copy against a plain loop: rows of 4-byte runs from 1 to 9 elements (the 16-byte
 * step and its tail), with strides wider than the run, leaving the gaps between rows and the bytes after
 * the last row untouched; NaN payloads and -0 are copied as bits.
 */
import { describe, expect, it } from 'vitest';
import { copyRowsFunction } from '../src/codegen/copy-rows.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';

const memory = new WebAssembly.Memory({ initial: 4 });
const copyRows = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes([copyRowsFunction()], false)), {
  env: { memory },
}).exports.copy_rows as (...a: number[]) => void;

describe('emitted copy_rows', () => {
  for (const run of [1, 2, 3, 4, 5, 8, 9]) {
    it(`runs of ${run}`, () => {
      const u32 = new Uint32Array(memory.buffer);
      const rows = 5;
      const srcStride = run + 3;
      const dstStride = run + 2;
      const src = 16;
      const dst = 4096;
      for (let i = 0; i < rows * srcStride; i++) u32[src + i] = (i * 2654435761) >>> 0;
      u32[src + 1] = 0x7fc00001; // a NaN payload
      u32[src + 2] = 0x80000000; // -0
      u32.fill(0xdeadbeef, dst, dst + rows * dstStride + 4);
      copyRows(4 * (src + 1), 4 * srcStride, 4 * dst, 4 * dstStride, 4 * run, rows);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < dstStride; j++) {
          const want = j < run ? u32[src + 1 + r * srcStride + j] : 0xdeadbeef;
          expect(u32[dst + r * dstStride + j], `row ${r} element ${j}`).toBe(want);
        }
      }
      expect(u32[dst + rows * dstStride]).toBe(0xdeadbeef);
    });
  }
});
