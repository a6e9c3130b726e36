/**
 * The emitted NaN scan: every length around the four-lane step, a NaN (quiet, signalling-pattern or
 * negative) at every position, and no false alarm from ±Infinity, -0 or subnormals.
 */
import { describe, expect, it } from 'vitest';
import { nanScanFunction } from '../src/codegen/nan-scan.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';

const memory = new WebAssembly.Memory({ initial: 1 });
const hasNaN = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes([nanScanFunction()], false)), {
  env: { memory },
}).exports.has_nan as (px: number, n: number, pflag: number) => void;

const NANS = [0x7fc00000, 0x7f800001, 0xffc00000];

describe('emitted has_nan', () => {
  it('finds a NaN anywhere and nothing else', () => {
    const u32 = new Uint32Array(memory.buffer);
    const f32 = new Float32Array(memory.buffer);
    const px = 64;
    const pflag = 16;
    const scan = (n: number) => {
      u32[pflag / 4] = 7;
      hasNaN(px, n, pflag);
      return u32[pflag / 4];
    };
    for (let n = 0; n <= 13; n++) {
      const fillClean = () => {
        for (let i = 0; i < n + 4; i++) f32[px / 4 + i] = [Infinity, -Infinity, -0, 1e-40, 2][i % 5];
      };
      fillClean();
      f32[px / 4 + n] = Number.NaN; // past the end: must not count
      expect(scan(n), `clean, n = ${n}`).toBe(0);
      for (let at = 0; at < n; at++) {
        for (const bits of NANS) {
          fillClean();
          u32[px / 4 + at] = bits;
          expect(scan(n), `NaN 0x${bits.toString(16)} at ${at} of ${n}`).toBe(1);
        }
      }
    }
  });
});
