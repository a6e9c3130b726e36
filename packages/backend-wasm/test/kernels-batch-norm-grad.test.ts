// batchNormTrainingGrad on backend-wasm against the kit's loop, bit for bit: the emitted two passes (SIMD
// over 4 channels at a time, one at a time over the last c mod 4: channel counts on both sides of 4's
// multiples, odd row counts), run whole, unit by unit in reverse order (the helpers' split by blocks of
// rows) and on two threads, and, on the plain build, the kit loop on the heap, with special values
// in x, dy and the variance; and through batchNormTraining's gradient, with no leak.
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
import type { FunctionSpec } from '../src/codegen/wasm-encoder.js';
import type { WasmBackend } from '../src/wasm-backend.js';
import { useWasm } from './helpers.js';

const W = 'wasm-batch-norm-grad';
let backend: WasmBackend;
let threaded: WasmBackend;
beforeAll(async () => {
  threaded = await useWasm(`${W}-threads`, { threads: 2 });
  // Always with the helper (the timed choice is HelperChoice's, tested elsewhere).
  const emitted = threaded.runtime.instance.emitted! as unknown as { helperChoice: unknown };
  emitted.helperChoice = { run: (_key: string, shared: () => void) => shared() };
  backend = await useWasm(W);
});
afterAll(() => threaded.dispose());

type Share = (
  key: string,
  functions: () => FunctionSpec[],
  pointers: readonly number[],
  units: number,
) => void;

/**
 * Runs `f` with every shaped kernel of `b` called one unit at a time, last unit first (as helpers taking
 * units in any order would), recording the keys.
 */
function unitByUnit(b: WasmBackend, f: () => void): string[] {
  const emitted = b.runtime.instance.emitted! as unknown as {
    shareShaped: Share;
    bindShaped(key: string, functions: () => FunctionSpec[]): { exports: { gemm: (...a: number[]) => void } };
  };
  const keys: string[] = [];
  emitted.shareShaped = (key, functions, [p0, p1, p2, p3], units) => {
    keys.push(key);
    const { gemm } = emitted.bindShaped(key, functions).exports;
    for (let u = units - 1; u >= 0; u--) gemm(p0, p1, p2, p3, u * 32, (u + 1) * 32, 0);
  };
  try {
    f();
  } finally {
    Reflect.deleteProperty(emitted, 'shareShaped');
  }
  return keys;
}

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
  // Channel counts around multiples of 8.
  [3, 8],
  [3, 9],
  [2, 12],
  [4, 17],
  [2, 3, 20],
  [2, 24],
  [2, 2, 44],
  // Over one block of the sums (512 rows) and of the dx pass (128 rows): units with and without a rest.
  [129, 4],
  [2, 300, 5],
  [1030, 3],
  [4, 256, 12],
  [3, 700, 9],
];

function checkShapes(
  current: () => WasmBackend,
  run: (b: WasmBackend, f: () => void) => void = (_b, f) => f(),
): void {
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
        run(b, () =>
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
          }),
        );
      });
    }
  }
}

describe('batchNormTrainingGrad against the kit loop', () => {
  it('takes the emitted passes (every non-empty shape below does)', () => {
    const keys = unitByUnit(backend, () =>
      tidy(() => {
        const ts = [[2, 12], [2, 12], [12], [12], [12]].map((s, i) =>
          tensor(values(s[0] * (s[1] ?? 1), i, false), s),
        );
        const [kdy, kx, km, kv, kg] = ts.map((t) => t.kernelView('test'));
        for (const id of backend.batchNormTrainingGrad(kdy, kx, km, kv, kg, 1e-5)) backend.disposeData(id);
      }),
    );
    expect(keys).toEqual(['bn-grad-sums:2,12,512', 'bn-grad-dx:2,12,128']);
  });
  checkShapes(() => backend);
});

describe('batchNormTrainingGrad unit by unit, last unit first', () => {
  checkShapes(() => backend, unitByUnit);
});

describe('batchNormTrainingGrad on two threads', () => {
  beforeAll(async () => {
    await setBackend(`${W}-threads`);
  });
  afterAll(async () => {
    await setBackend(W);
  });
  checkShapes(() => threaded);
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
