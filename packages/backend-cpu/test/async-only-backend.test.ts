// Core must never need a synchronous read: a backend that refuses readSync (as WebGPU must) runs
// autograd and SGD steps unchanged (the whole suite runs on core's deferredBackend in conformance.test.ts).
import * as d from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';

/** backend-cpu with readSync removed: every read must go through the asynchronous `read`. */
function asyncOnlyCpu(name: string): d.Backend {
  const inner = new CpuBackend(name);
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'readSync') return undefined;
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('an async-only backend', () => {
  beforeAll(async () => {
    d.registerBackend('async-cpu', () => asyncOnlyCpu('async-cpu'), -1);
    await d.setBackend('async-cpu');
  });
  afterAll(() => d.removeBackend('async-cpu'));

  it('refuses dataSync with a clear error but serves data()', async () => {
    const t = d.tensor([1, 2]);
    expect(() => t.dataSync()).toThrowError(
      /backend 'async-cpu' can only read asynchronously; use 'await tensor.data\(\)'/,
    );
    expect(Array.from(await t.data())).toEqual([1, 2]);
    t.dispose();
  });

  it('trains the 3-4-2 sigmoid network with autograd and SGD', async () => {
    const rng = new d.Rng(1);
    let params = [rng.uniform([3, 4], -0.5, 0.5), d.zeros([4]), rng.uniform([4, 2], -0.5, 0.5), d.zeros([2])];
    const x = d.tensor([
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ]);
    const t = d.tensor([
      [0, 1],
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      const { loss, next } = d.tidy(() => {
        const { value, grads } = d.valueAndGrad((W1, b1, W2, b2) => {
          const o = d.sigmoid(d.add(d.matmul(d.sigmoid(d.add(d.matmul(x, W1), b1)), W2), b2));
          return d.mul(0.5, d.sum(d.square(d.sub(t, o))));
        })(...params);
        return {
          loss: value,
          next: params.map((p, i) => d.optimizerUpdate('sgd', p, grads[i], [], { lr: 0.5 }).param),
        };
      });
      losses.push(await loss.item());
      loss.dispose();
      d.dispose(params);
      params = next;
    }
    expect(losses[4]).toBeLessThan(losses[0]);
    d.dispose([params, x, t]);
  });
});
