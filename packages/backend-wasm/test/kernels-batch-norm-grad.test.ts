// batchNormTrainingGrad on backend-wasm against the kit's loop, bit for bit: the emitted two passes (SIMD
// over 4 channels at a time, one at a time over the last c mod 4: channel counts on both sides of 4's
// multiples, odd row counts) and, on the plain build, the kit loop on the heap, with special values in x,
// dy and the variance; and through batchNormTraining's gradient, with no leak.
import {
  batchNormTraining,
  grad,
  memory,
  mul,
  Rng,
  setBackend,
  sum,
  type Tensor,
  tensor,
  tidy,
} from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/wasm-backend.js';
import { useWasm } from './helpers.js';

const W = 'wasm-batch-norm-grad';
let backend: WasmBackend;
beforeAll(async () => {
  backend = await useWasm(W);
});

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e-40, 1e30];

/** Normal values with up to three rounds of SPECIALS at a stride of 7 (it reaches every channel tail). */
function values(n: number, seed: number, special: boolean): Float32Array {
  const out = Float32Array.from(new Rng(seed).normalValues(n));
  const count = special ? Math.min(3 * SPECIALS.length, Math.ceil(n / 4)) : 0;
  for (let i = 0; i < count; i++) out[(i * 7) % n] = SPECIALS[i % SPECIALS.length];
  return out;
}

/**
 * The bits, every NaN as one: an invalid operation's NaN (∞ − ∞, 0·∞) comes out as x86's default NaN
 * (sign bit set) from wasm but positive from the kit's JavaScript (V8 canonicalises some), and neither
 * PyTorch nor IEEE 754 gives NaN's sign a meaning. Signed zeros and infinities are compared exactly.
 */
function bits(a: Float32Array): number[] {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  return Array.from(u, (b, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : b));
}

const SHAPES = [
  [5, 4],
  [3, 7, 16],
  [2, 3, 3, 12],
  [4, 2, 436],
  [1, 8],
  [0, 4],
  // Not multiples of 4: the tail alone (c < 4), and SIMD then a tail of 1, 2 or 3 channels.
  [7, 1],
  [5, 3],
  [6, 3],
  [3, 3, 5],
  [2, 3, 5],
  [9, 6],
  [1, 6],
  [3, 5, 10],
  [1, 3, 30],
  [11, 30],
  [3, 7, 31],
  [0, 6],
];

function checkShapes(current: () => WasmBackend): void {
  for (const shape of SHAPES) {
    for (const special of [false, true]) {
      it(`[${shape}]${special ? ' with special values' : ''}`, () => {
        const c = shape[shape.length - 1];
        const n = shape.reduce((p, d) => p * d, 1);
        const dy = values(n, 1, special);
        const x = values(n, 2, special);
        const mean = values(c, 3, false);
        const variance = Float32Array.from(values(c, 4, special), Math.abs);
        const gamma = values(c, 5, false);
        const want = [new Float32Array(n), new Float32Array(c), new Float32Array(c)] as const;
        kit.batchNormTrainingGrad(dy, x, mean, variance, gamma, 1e-5, ...want);
        const b = current();
        tidy(() => {
          const ts = [dy, x, mean, variance, gamma].map((v, i) => tensor(v, i < 2 ? shape : [c]));
          const [kdy, kx, km, kv, kg] = ts.map((t) => t.kernelView('test'));
          const ids = b.batchNormTrainingGrad(kdy, kx, km, kv, kg, 1e-5);
          const got = ids.map((id, i) => {
            const v = b.readSync(id, 'float32', want[i].length) as Float32Array;
            b.disposeData(id);
            return v;
          });
          for (let i = 0; i < 3; i++) expect(bits(got[i])).toEqual(bits(want[i]));
        });
      });
    }
  }
}

describe('batchNormTrainingGrad against the kit loop', () => {
  it('has the emitted passes (every shape below takes them)', () => {
    expect(backend.runtime.instance.emitted?.elementwise().bn_grad_sums).toBeTypeOf('function');
  });
  checkShapes(() => backend);
});

describe('batchNormTraining gradient on backend-wasm', () => {
  it('takes the kernel and leaks nothing', () => {
    const own = backend.batchNormTrainingGrad.bind(backend);
    let calls = 0;
    backend.batchNormTrainingGrad = (...args) => {
      calls++;
      return own(...args);
    };
    const before = memory();
    tidy(() => {
      const x = tensor(values(2 * 3 * 8, 7, false), [2, 3, 8]);
      const w = tensor(values(2 * 3 * 8, 8, false), [2, 3, 8]);
      const g = tensor(values(8, 9, false), [8]);
      const b = tensor(values(8, 10, false), [8]);
      const f = (x: Tensor, g: Tensor, b: Tensor) => sum(mul(batchNormTraining(x, g, b).y, w));
      const grads = grad(f)(x, g, b);
      // Only x's gradient is needed: the unneeded ones are disposed.
      const gx = grad((x: Tensor) => f(x, g, b))(x);
      expect(Array.from(gx[0].dataSync())).toEqual(Array.from(grads[0].dataSync()));
    });
    delete (backend as { batchNormTrainingGrad?: unknown }).batchNormTrainingGrad;
    expect(calls).toBe(2);
    const after = memory();
    expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
      tensors: before.tensors,
      bytes: before.bytes,
    });
  });
});

describe('batchNormTrainingGrad on the plain build (the kit loop on the heap)', () => {
  let plain: WasmBackend;
  beforeAll(async () => {
    plain = await useWasm(`${W}-plain`, { simd: false, threads: 1 });
  });
  afterAll(async () => {
    await setBackend(W);
  });
  it('has no emitted passes', () => {
    expect(plain.runtime.instance.emitted).toBeFalsy();
  });
  checkShapes(() => plain);
});
