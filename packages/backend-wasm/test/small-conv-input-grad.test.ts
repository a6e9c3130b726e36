// The emitted input gradient for small-channel stride-1 convolutions (codegen/small-conv-input-grad.ts)
// against a plain float64 loop of the definition (dx = Σ over the taps inside dy of dy · W), on both
// sides of its gate (which path ran is read from the emitted kernels' keys), with non-finite filters,
// on one thread and two (the same bits), with no tensor or buffer left behind.
import {
  conv2d,
  memory,
  mul,
  type Padding,
  setBackend,
  sum,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
} from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/node.js';
import { randn, shapedKeysDuring, useWasm } from './helpers.js';

const W = 'wasm-small-input-grad';
const T = 'wasm-small-input-grad-threads';
let one: WasmBackend;
let two: WasmBackend;
beforeAll(async () => {
  two = await useWasm(T, { threads: 2 });
  // Always with the helper (the timed choice between helper and caller alone is tested elsewhere).
  const emitted = two.runtime.instance.emitted! as unknown as { helperChoice: unknown };
  emitted.helperChoice = { run: (_key: string, shared: () => void) => shared() };
  one = await useWasm(W);
});
afterAll(() => two.dispose());

interface Case {
  readonly x: readonly [number, number, number, number];
  readonly f: readonly [number, number, number, number];
  /** Explicit [[top, bottom], [left, right]] pads, or 'same' / 'valid'. */
  readonly padding?: Padding;
  readonly strides?: number;
  readonly dilations?: number;
  /** Whether the emitted kernel takes it. */
  readonly direct: boolean;
}

/** dy: fixed values (some exact zeros, so 0 · ∞ taps appear in the non-finite cases). */
function dyValues(size: number): number[] {
  return Array.from({ length: size }, (_, i) => (i % 11 === 4 ? 0 : Math.fround(Math.sin(i * 0.37) * 3)));
}

/** The forward pads of a case (conv2d's 'same': the total split with the extra at the end). */
function padsOf(c: Case): [[number, number], [number, number]] {
  if (Array.isArray(c.padding)) return c.padding as [[number, number], [number, number]];
  if (c.padding !== 'same')
    return [
      [0, 0],
      [0, 0],
    ];
  const total = (k: number) => k - 1;
  const [kh, kw] = c.f;
  return [
    [Math.floor(total(kh) / 2), total(kh) - Math.floor(total(kh) / 2)],
    [Math.floor(total(kw) / 2), total(kw) - Math.floor(total(kw) / 2)],
  ];
}

/** dx of the definition in float64, stride 1, dilation 1: Σ over (a, b) with the dy pixel inside dy. */
function referenceDx(c: Case, dy: number[], f: ArrayLike<number>): number[] {
  const [n, h, w, cin] = c.x;
  const [kh, kw, , cout] = c.f;
  const [[pt, pb], [pl, pr]] = padsOf(c);
  const oh = h + pt + pb - kh + 1;
  const ow = w + pl + pr - kw + 1;
  const dx = new Array<number>(n * h * w * cin).fill(0);
  for (let i = 0; i < n; i++)
    for (let ih = 0; ih < h; ih++)
      for (let iw = 0; iw < w; iw++)
        for (let ci = 0; ci < cin; ci++) {
          let s = 0;
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const y = ih + pt - a;
              const x = iw + pl - b;
              if (y < 0 || y >= oh || x < 0 || x >= ow) continue;
              for (let o = 0; o < cout; o++)
                s += dy[((i * oh + y) * ow + x) * cout + o] * f[((a * kw + b) * cin + ci) * cout + o];
            }
          dx[((i * h + ih) * w + iw) * cin + ci] = s;
        }
  return dx;
}

/** The filter of a case, NaN and ±∞ at the given flat indices. */
function filterOf(c: Case, nonFinite: readonly number[] = []): number[] {
  const values = Array.from(randn(c.f, 2).values);
  const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  nonFinite.forEach((at, i) => {
    values[at] = special[i % special.length];
  });
  return values;
}

/** The x gradient of sum(conv2d(x, f) · dy) on backend `name`, and the shaped-kernel keys it ran. */
async function inputGrad(name: string, c: Case, f: number[]): Promise<{ dx: Float32Array; keys: string[] }> {
  await setBackend(name);
  const before = memory();
  let dx = new Float32Array(0);
  const keys = await shapedKeysDuring(name === W ? one : two, () => {
    dx = tidy(() => {
      const xs = randn(c.x, 1);
      const ft = tensor(f, c.f);
      const vg = valueAndGrad((x: Tensor) => {
        const y = conv2d(x, ft, { padding: c.padding, strides: c.strides, dilations: c.dilations });
        return sum(mul(y, tensor(dyValues(y.size), y.shape)));
      })(tensor(Array.from(xs.values), xs.shape));
      return Float32Array.from(vg.grads[0].dataSync());
    });
  });
  const after = memory();
  expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
    tensors: before.tensors,
    bytes: before.bytes,
  });
  return { dx, keys };
}

/** dy's shape of a case (stride 1, dilation 1 for the reference). */
function dySize(c: Case): number {
  const [[pt, pb], [pl, pr]] = padsOf(c);
  const [n, h, w] = c.x;
  const [kh, kw, , cout] = c.f;
  return n * (h + pt + pb - kh + 1) * (w + pl + pr - kw + 1) * cout;
}

function expectCloseToReference(got: Float32Array, want: number[]): void {
  expect(got.length).toBe(want.length);
  const bad = want.findIndex((v, i) => {
    const g = got[i];
    if (!Number.isFinite(v)) return !Object.is(g, v) && !(Number.isNaN(v) && Number.isNaN(g));
    return !(Math.abs(g - v) <= 1e-4 + 1e-5 * Math.abs(v) * 10);
  });
  expect(bad, bad >= 0 ? `element ${bad}: ${got[bad]}, expected ${want[bad]}` : '').toBe(-1);
}

const cases: [string, Case][] = [
  ['LeNet conv2: 5x5 valid, Cin 6, Cout 16', { x: [3, 14, 14, 6], f: [5, 5, 6, 16], direct: true }],
  ['batch 1, 3x3 same, Cin 6, Cout 16', { x: [1, 7, 9, 6], f: [3, 3, 6, 16], padding: 'same', direct: true }],
  ['odd batch, Cin 1, Cout 4', { x: [5, 6, 5, 1], f: [3, 2, 1, 4], padding: 'same', direct: true }],
  [
    'Cin 2, Cout 8, 4x4 same (uneven pads)',
    { x: [2, 8, 7, 2], f: [4, 4, 2, 8], padding: 'same', direct: true },
  ],
  ['Cin 3, Cout 12, 1x1', { x: [2, 4, 5, 3], f: [1, 1, 3, 12], direct: true }],
  ['Cin 4, Cout 4', { x: [2, 6, 6, 4], f: [3, 3, 4, 4], direct: true }],
  [
    'Cin 5 (overlapping channel groups), Cout 8',
    { x: [3, 5, 9, 5], f: [2, 3, 5, 8], padding: 'same', direct: true },
  ],
  [
    'pads on every side, wider than the window (rows and columns with no tap)',
    {
      x: [2, 5, 6, 3],
      f: [2, 2, 3, 8],
      padding: [
        [3, 1],
        [2, 4],
      ],
      direct: true,
    },
  ],
  ['a window wider than dy (1-row dy)', { x: [2, 3, 8, 6], f: [3, 5, 6, 16], direct: true }],
  [
    'Cout 6: not a multiple of 4, XNNPACK',
    { x: [2, 6, 6, 3], f: [3, 3, 3, 6], padding: 'same', direct: false },
  ],
  ['Cout 20: XNNPACK', { x: [2, 6, 6, 3], f: [3, 3, 3, 20], padding: 'same', direct: false }],
  [
    'Cin 7, 3x3 same on 10x10 (0.87 of the taps inside dy): XNNPACK',
    { x: [2, 10, 10, 7], f: [3, 3, 7, 8], padding: 'same', direct: false },
  ],
  ['Cin 8, 5x5 valid: two passes of four channels', { x: [2, 14, 14, 8], f: [5, 5, 8, 16], direct: true }],
  ['Cin 13, 3x3 valid: overlapping passes', { x: [3, 9, 7, 13], f: [3, 3, 13, 8], direct: true }],
  ['Cin 16, Cout 4, 4x4 valid', { x: [1, 9, 9, 16], f: [4, 4, 16, 4], direct: true }],
  ['Cin 17: XNNPACK', { x: [2, 9, 9, 17], f: [5, 5, 17, 8], direct: false }],
];

describe('conv2d input gradient, few channels', () => {
  for (const [name, c] of cases) {
    it(name, async () => {
      const f = filterOf(c);
      const { dx, keys } = await inputGrad(W, c, f);
      expect(keys.some((k) => k.startsWith('cdx:'))).toBe(c.direct);
      expectCloseToReference(dx, referenceDx(c, dyValues(dySize(c)), Float32Array.from(f)));
    });
  }

  it('stride 2 and dilation 2 are not taken', async () => {
    for (const c of [
      { x: [2, 9, 8, 3], f: [3, 3, 3, 8], strides: 2, padding: 'same', direct: false },
      { x: [2, 9, 8, 3], f: [3, 3, 3, 8], dilations: 2, padding: 'same', direct: false },
    ] as Case[]) {
      const { keys } = await inputGrad(W, c, filterOf(c));
      expect(keys.some((k) => k.startsWith('cdx:'))).toBe(false);
    }
  });

  it('a non-finite filter poisons only the pixels whose taps use it (as PyTorch)', async () => {
    const c: Case = { x: [2, 14, 14, 6], f: [5, 5, 6, 16], direct: true };
    // Tap (0, 0) of channel 0 (reaches only the top-left of dx), tap (4, 4) of channel 5, tap (2, 1).
    const f = filterOf(c, [3, ((4 * 5 + 4) * 6 + 5) * 16 + 7, ((2 * 5 + 1) * 6 + 2) * 16]);
    const { dx, keys } = await inputGrad(W, c, f);
    expect(keys.some((k) => k.startsWith('cdx:'))).toBe(true);
    const want = referenceDx(c, dyValues(dySize(c)), Float32Array.from(f));
    expect(want.some((v) => Number.isNaN(v))).toBe(true);
    expect(want.some((v) => Number.isFinite(v))).toBe(true);
    expectCloseToReference(dx, want);
  });

  it('two threads give the same bits as one', async () => {
    for (const c of [
      { x: [5, 14, 14, 6], f: [5, 5, 6, 16], direct: true },
      { x: [4, 8, 8, 3], f: [3, 3, 3, 16], padding: 'same', direct: true },
      { x: [3, 14, 14, 12], f: [5, 5, 12, 16], direct: true },
    ] as Case[]) {
      const f = filterOf(c);
      const want = await inputGrad(W, c, f);
      for (let r = 0; r < 3; r++) {
        const got = await inputGrad(T, c, f);
        expect(got.keys.some((k) => k.startsWith('cdx:'))).toBe(true);
        const wantBits = new Uint32Array(want.dx.buffer);
        const gotBits = new Uint32Array(got.dx.buffer);
        expect(gotBits.findIndex((v, i) => v !== wantBits[i])).toBe(-1);
      }
    }
    expect(two.runtime.instance.emitted!.participants).toBe(2);
  });
});
