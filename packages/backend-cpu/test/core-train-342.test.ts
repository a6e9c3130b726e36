// The seed's 3-4-2 sigmoid network: backpropagation by the textbook delta rule, written out by hand in
// float64, against Dendrite's autograd + SGD on ½Σ(t−o)², example by example.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** One per-example update of W1 [3,4], b1, W2 [4,2], b2 (row-major arrays) by the delta rule. */
function deltaRuleStep(
  p: { W1: number[]; b1: number[]; W2: number[]; b2: number[] },
  x: number[],
  t: number[],
  eta: number,
) {
  const h = [0, 1, 2, 3].map((j) => sig(p.b1[j] + x.reduce((s, xi, i) => s + xi * p.W1[i * 4 + j], 0)));
  const o = [0, 1].map((k) => sig(p.b2[k] + h.reduce((s, hj, j) => s + hj * p.W2[j * 2 + k], 0)));
  const dOut = o.map((ok, k) => ok * (1 - ok) * (t[k] - ok)); // δk = ok(1−ok)(tk−ok)
  const dHid = h.map((hj, j) => hj * (1 - hj) * dOut.reduce((s, dk, k) => s + p.W2[j * 2 + k] * dk, 0)); // δh
  for (let j = 0; j < 4; j++) for (let k = 0; k < 2; k++) p.W2[j * 2 + k] += eta * dOut[k] * h[j]; // Δw = η δ x
  for (let k = 0; k < 2; k++) p.b2[k] += eta * dOut[k];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) p.W1[i * 4 + j] += eta * dHid[j] * x[i];
  for (let j = 0; j < 4; j++) p.b1[j] += eta * dHid[j];
}

describe('3-4-2 sigmoid network', () => {
  it('autograd + SGD reproduces the hand-written delta rule for 100 steps', async () => {
    const rng = new d.Rng(342);
    const init = {
      W1: Array.from(rng.uniformValues(12), (v) => Math.fround(v - 0.5)),
      b1: Array.from(rng.uniformValues(4), (v) => Math.fround(v - 0.5)),
      W2: Array.from(rng.uniformValues(8), (v) => Math.fround(v - 0.5)),
      b2: Array.from(rng.uniformValues(2), (v) => Math.fround(v - 0.5)),
    };
    const X = [
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ];
    const T = [
      [0, 1],
      [1, 0],
      [1, 0],
      [0, 1],
    ];
    const eta = 0.5;
    const hand = structuredClone(init);
    for (let step = 0; step < 100; step++) deltaRuleStep(hand, X[step % 4], T[step % 4], eta);

    await expectNoLeak(async () => {
      const shapes = { W1: [3, 4], b1: [4], W2: [4, 2], b2: [2] } as const;
      const names = ['W1', 'b1', 'W2', 'b2'] as const;
      let params = names.map((n) => d.tensor(init[n], shapes[n]));
      for (let step = 0; step < 100; step++) {
        const next = d.tidy(() => {
          const x = d.tensor([X[step % 4]]);
          const t = d.tensor([T[step % 4]]);
          const { grads } = d.valueAndGrad((W1, b1, W2, b2) => {
            const h = d.sigmoid(d.add(d.matmul(x, W1), b1));
            const o = d.sigmoid(d.add(d.matmul(h, W2), b2));
            return d.mul(0.5, d.sum(d.square(d.sub(t, o))));
          })(...params);
          return params.map((p, i) => d.optimizerUpdate('sgd', p, grads[i], [], { lr: eta }).param);
        });
        d.dispose(params);
        params = next;
      }
      for (let i = 0; i < names.length; i++) {
        const got = Array.from(await params[i].data());
        const worst = Math.max(...got.map((v, j) => Math.abs(v - hand[names[i]][j])));
        expect(worst, names[i]).toBeLessThan(1e-6);
      }
      d.dispose(params);
    });
  });

  it('learns XOR with a 2-2-1 sigmoid network (seeded, deterministic)', async () => {
    await expectNoLeak(async () => {
      const rng = new d.Rng(7);
      let params = [
        rng.uniform([2, 2], -1, 1),
        rng.uniform([2], -1, 1),
        rng.uniform([2, 1], -1, 1),
        rng.uniform([1], -1, 1),
      ];
      const x = d.tensor([
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]);
      const t = d.tensor([[0], [1], [1], [0]]);
      const forward = (W1: d.Tensor, b1: d.Tensor, W2: d.Tensor, b2: d.Tensor) =>
        d.sigmoid(d.add(d.matmul(d.sigmoid(d.add(d.matmul(x, W1), b1)), W2), b2));
      for (let step = 0; step < 3000; step++) {
        const next = d.tidy(() => {
          const { grads } = d.valueAndGrad((...p) =>
            d.mul(0.5, d.sum(d.square(d.sub(t, forward(p[0], p[1], p[2], p[3]))))),
          )(...params);
          return params.map((p, i) => d.optimizerUpdate('sgd', p, grads[i], [], { lr: 2 }).param);
        });
        d.dispose(params);
        params = next;
      }
      const o = d.tidy(() => forward(params[0], params[1], params[2], params[3]));
      const out = Array.from(await o.data());
      expect(out.map((v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
      expect(Math.max(...out.map((v, i) => Math.abs(v - [0, 1, 1, 0][i])))).toBeLessThan(0.2);
      d.dispose([o, x, t, params]);
    });
  });
});
