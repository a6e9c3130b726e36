// `cast` between float32, int32 and bool against backend-cpu's values: the emitted SIMD pass
// (codegen/cast.ts: to bool, float32 -> int32) on both sides of its gates (under 16 elements: the kit's loop; a tail after the last step of
// 16; several units; float32 → int32 with |x| ≥ 2³¹: the kit's loop again), special values, one and
// two threads; the other casts (the kit's typed-array set) never take it. Which path ran is read from the emitted kernels' keys.
import { castTo, type DType, memory, setBackend, tensor, tidy } from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/node.js';
import { CPU, shapedKeysDuring, useWasm } from './helpers.js';

const W = 'wasm-cast';
const T = 'wasm-cast-threads';
let backend: WasmBackend;
let threaded: WasmBackend;
beforeAll(async () => {
  threaded = await useWasm(T, { threads: 2 });
  // Always with the helper (the timed choice is HelperChoice's, tested elsewhere).
  const emitted = threaded.runtime.instance.emitted! as unknown as { helperChoice: unknown };
  emitted.helperChoice = { run: (_key: string, shared: () => void) => shared() };
  backend = await useWasm(W);
});
afterAll(() => threaded.dispose());

const SPECIAL_FLOATS = [
  Number.NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  0.5,
  -0.5,
  2.5,
  -2.5,
  -1.9999999,
  1e-45,
  -1e-45,
  16777217,
  2147483520, // the largest float32 below 2^31
  -2147483520,
];
const SPECIAL_INTS = [0, 1, -1, 16777217, -16777217, 2147483647, -2147483648, 123456789, 7];

/** `count` values of `dtype`, the special ones first. */
function values(dtype: DType, count: number, seed: number): number[] {
  const special = dtype === 'float32' ? SPECIAL_FLOATS : dtype === 'int32' ? SPECIAL_INTS : [0, 1];
  return Array.from({ length: count }, (_, i) => {
    if (i < special.length * 3 && i % 3 === 0) return special[(i / 3) % special.length];
    const v = Math.sin(i * 0.37 + seed) * 9;
    return dtype === 'bool' ? (v > 0 ? 1 : 0) : dtype === 'int32' ? Math.round(v * 1e6) : Math.fround(v);
  });
}

/** `cast(x)` on backend `name`, as plain numbers. */
async function castOn(name: string, x: number[], from: DType, to: DType): Promise<number[]> {
  await setBackend(name);
  return tidy(() => Array.from(castTo(tensor(x, [x.length], from), to).dataSync()));
}

const TYPES: DType[] = ['float32', 'int32', 'bool'];
const PAIRS = TYPES.flatMap((from) => TYPES.filter((to) => to !== from).map((to) => [from, to] as const));
const SIZES: [number, boolean][] = [
  [15, false], // under one step: the kit's loop
  [16, true],
  [45, true], // two steps and a tail of 13
  [2 * 16384 + 37, true], // three units and a tail
];

describe('cast', () => {
  for (const [from, to] of PAIRS) {
    for (const [n, emitted] of SIZES) {
      it(`${from} -> ${to}, ${n} elements (${emitted ? 'emitted' : 'kit loop'})`, async () => {
        const x = values(from, n, n);
        const want = await castOn(CPU, x, from, to);
        for (const [name, b] of [
          [W, backend],
          [T, threaded],
        ] as const) {
          const before = memory().tensors;
          let got: number[] = [];
          await setBackend(name);
          const keys = await shapedKeysDuring(b, () => {
            got = tidy(() => Array.from(castTo(tensor(x, [n], from), to).dataSync()));
          });
          expect(memory().tensors).toBe(before);
          expect(
            got.findIndex((v, i) => !Object.is(v, want[i])),
            name,
          ).toBe(-1);
          expect(keys.includes(`cast:${from}>${to}`)).toBe(emitted && (to === 'bool' || from === 'float32'));
        }
      });
    }
  }

  it('float32 -> int32 at or past 2^31: the kit wraps modulo 2^32, NaN and infinities go to 0', async () => {
    const x = values('float32', 40, 1);
    x[20] = 2147483648;
    x[30] = -3e9;
    x[31] = 1e20;
    const want = await castOn(CPU, x, 'float32', 'int32');
    expect(want[20]).toBe(-2147483648);
    expect(want[0]).toBe(0); // NaN
    const got = await castOn(W, x, 'float32', 'int32');
    expect(got.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
    // -2^31 itself takes the kit's loop as well (|x| ≥ 2^31), to the same value.
    const low = values('float32', 32, 2);
    low[5] = -2147483648;
    const wantLow = await castOn(CPU, low, 'float32', 'int32');
    expect(wantLow[5]).toBe(-2147483648);
    expect(await castOn(W, low, 'float32', 'int32')).toEqual(wantLow);
  });
});
