/**
 * The emitted 4 × 4-block transpose against a plain loop, as bits: shapes narrower and wider than one
 * 64-column pass (and not a multiple of it), one block, tall and wide; the bytes after the output are
 * left untouched; NaN payloads and -0 are copied as they are.
 */
import { describe, expect, it } from 'vitest';
import { transposeFunction } from '../src/codegen/transpose.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';

const memory = new WebAssembly.Memory({ initial: 64 });
const transpose = new WebAssembly.Instance(
  new WebAssembly.Module(moduleBytes([transposeFunction()], false)),
  {
    env: { memory },
  },
).exports.transpose_f32 as (px: number, pout: number, rows: number, cols: number) => void;

describe('emitted transpose_f32', () => {
  for (const [rows, cols] of [
    [4, 4],
    [4, 8],
    [8, 4],
    [12, 68],
    [784, 256],
    [256, 784],
    [4, 200],
    [132, 64],
  ]) {
    it(`${rows} × ${cols}`, () => {
      const u32 = new Uint32Array(memory.buffer);
      const x = 4; // 16 bytes in: pointers need not be 16-byte aligned beyond that
      const out = x + rows * cols + 3; // an odd offset: v128 loads and stores may be unaligned
      for (let i = 0; i < rows * cols; i++) u32[x + i] = (i * 2654435761) >>> 0;
      u32[x + 1] = 0x7fc00001; // a NaN payload
      u32[x + 2] = 0x80000000; // -0
      u32.fill(0xdeadbeef, out, out + rows * cols + 4);
      transpose(4 * x, 4 * out, rows, cols);
      let wrong = 0;
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) if (u32[out + j * rows + i] !== u32[x + i * cols + j]) wrong++;
      expect(wrong).toBe(0);
      for (let i = 0; i < 4; i++) expect(u32[out + rows * cols + i]).toBe(0xdeadbeef);
    });
  }
});
