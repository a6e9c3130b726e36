/**
 * The emitted where_32 against a plain loop, as bits: every operand whole or one element (steps 1 / 0
 * for the condition, 4 / 0 for a and b), lengths around zero and odd; NaN payloads and -0 kept, and the
 * word after the output untouched.
 */
import { describe, expect, it } from 'vitest';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';
import { whereFunction } from '../src/codegen/where.js';

const memory = new WebAssembly.Memory({ initial: 4 });
const where32 = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes([whereFunction()], false)), {
  env: { memory },
}).exports.where_32 as (...args: number[]) => void;

describe('emitted where_32', () => {
  for (const n of [0, 1, 5, 33])
    for (const condFull of [true, false])
      for (const aFull of [true, false])
        for (const bFull of [true, false])
          it(`n ${n}, condition ${condFull ? 'whole' : 'one'}, a ${aFull ? 'whole' : 'one'}, b ${bFull ? 'whole' : 'one'}`, () => {
            const u8 = new Uint8Array(memory.buffer);
            const u32 = new Uint32Array(memory.buffer);
            const [cond, a, b, out] = [64, 1024, 2048, 3072]; // byte offsets of u8 / u32 regions
            for (let i = 0; i < 40; i++) {
              u8[cond + i] = (i * 5) % 3 === 0 ? 1 : 0;
              u32[a / 4 + i] = i === 2 ? 0x7fc00001 : (i * 2654435761) >>> 0; // a NaN payload
              u32[b / 4 + i] = i === 1 ? 0x80000000 : (i * 40503 + 7) >>> 0; // -0
            }
            u32.fill(0xdeadbeef, out / 4, out / 4 + n + 1);
            where32(cond, condFull ? 1 : 0, a, aFull ? 4 : 0, b, bFull ? 4 : 0, out, n);
            for (let i = 0; i < n; i++) {
              const c = u8[cond + (condFull ? i : 0)];
              const want = c ? u32[a / 4 + (aFull ? i : 0)] : u32[b / 4 + (bFull ? i : 0)];
              expect(u32[out / 4 + i], `element ${i}`).toBe(want);
            }
            expect(u32[out / 4 + n]).toBe(0xdeadbeef);
          });
});
