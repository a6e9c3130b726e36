// batchNormTrainingGrad on backend-wasm against the kit's loop, bit for bit: the emitted two passes
// (channels a multiple of 4) and the kit loop on the heap (other channel counts), with special values in
// x and dy; and through batchNormTraining's gradient, with no leak.
import { batchNormTraining, grad, memory, mul, Rng, sum, type Tensor, tensor, tidy } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/wasm-backend.js';
import { useWasm } from './helpers.js';

const W = 'wasm-batch-norm-grad';
let backend: WasmBackend;
beforeAll(async () => {
  backend = await useWasm(W);
});

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e-40, 1e30];

function values(n: number, seed: number, special: boolean): Float32Array {
  const out = Float32Array.from(new Rng(seed).normalValues(n));
  if (special) for (let i = 0; i < Math.min(n, SPECIALS.length); i++) out[(i * 5) % n] = SPECIALS[i];
  return out;
}

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

describe('batchNormTrainingGrad against the kit loop', () => {
  it('has the emitted passes (the multiple-of-4 shapes below take them)', () => {
    expect(backend.runtime.instance.emitted?.elementwise().bn_grad_sums).toBeTypeOf('function');
  });
  for (const shape of [
    [5, 4],
    [3, 7, 16],
    [2, 3, 3, 12],
    [4, 2, 436],
    [6, 3],
    [2, 3, 5],
    [1, 8],
    [0, 4],
  ]) {
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
        tidy(() => {
          const ts = [dy, x, mean, variance, gamma].map((v, i) => tensor(v, i < 2 ? shape : [c]));
          const [kdy, kx, km, kv, kg] = ts.map((t) => t.kernelView('test'));
          const ids = backend.batchNormTrainingGrad(kdy, kx, km, kv, kg, 1e-5);
          const got = ids.map((id, i) => {
            const v = backend.readSync(id, 'float32', want[i].length) as Float32Array;
            backend.disposeData(id);
            return v;
          });
          for (let i = 0; i < 3; i++) expect(bits(got[i])).toEqual(bits(want[i]));
        });
      });
    }
  }
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
