// Each update rule against an independent float64 implementation over several steps, including the
// settings the PyTorch fixtures leave out (dampening, centred RMSprop, Adagrad's decay and accumulator,
// Adam's L2 decay, AdamW with AMSGrad); then the Optimizer API: gradients by list, name, map or .grad,
// skipped parameters, state dicts, errors and leaks.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  type Optimizer,
  type ParameterRef,
  parameterRef,
  RMSprop,
  SGD,
} from '../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

type Vec = number[];
/** A float64 rule: the new parameter from p, g, the 1-based step and its own state. */
type Reference = (p: Vec, g: Vec, t: number, s: Record<string, Vec>) => Vec;

const zip = (a: Vec, f: (x: number, i: number) => number) => a.map(f);
/** Replaces state buffer `k` (starting at `v0`) by `f` of its elements, and returns it. */
const advance = (
  s: Record<string, Vec>,
  k: string,
  n: number,
  f: (x: number, i: number) => number,
  v0 = 0,
) => {
  s[k] = (s[k] ?? new Array<number>(n).fill(v0)).map(f);
  return s[k];
};

function sgdRef(o: {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}): Reference {
  return (p, g, t, s) => {
    const dg = zip(g, (x, i) => x + (o.weightDecay ?? 0) * p[i]);
    if (!o.momentum) return zip(p, (x, i) => x - o.lr * dg[i]);
    const buf = t === 1 ? dg : zip(s.buf, (b, i) => o.momentum! * b + (1 - (o.dampening ?? 0)) * dg[i]);
    s.buf = buf;
    const dir = o.nesterov ? zip(dg, (x, i) => x + o.momentum! * buf[i]) : buf;
    return zip(p, (x, i) => x - o.lr * dir[i]);
  };
}

function adamRef(o: { lr: number; weightDecay?: number; decoupled?: boolean; amsgrad?: boolean }): Reference {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  return (p0, g0, t, s) => {
    const wd = o.weightDecay ?? 0;
    const p = o.decoupled ? zip(p0, (x) => x * (1 - o.lr * wd)) : p0;
    const g = o.decoupled ? g0 : zip(g0, (x, i) => x + wd * p0[i]);
    const m = advance(s, 'm', p.length, (x, i) => b1 * x + (1 - b1) * g[i]);
    const v = advance(s, 'v', p.length, (x, i) => b2 * x + (1 - b2) * g[i] ** 2);
    const vUse = o.amsgrad ? advance(s, 'vMax', p.length, (x, i) => Math.max(x, v[i])) : v;
    return zip(
      p,
      (x, i) => x - (o.lr / (1 - b1 ** t)) * (m[i] / (Math.sqrt(vUse[i]) / Math.sqrt(1 - b2 ** t) + eps)),
    );
  };
}

function rmspropRef(o: {
  lr: number;
  alpha: number;
  momentum?: number;
  centered?: boolean;
  weightDecay?: number;
}): Reference {
  const eps = 1e-8;
  return (p, g0, _t, s) => {
    const g = zip(g0, (x, i) => x + (o.weightDecay ?? 0) * p[i]);
    const sq = advance(s, 'sq', p.length, (x, i) => o.alpha * x + (1 - o.alpha) * g[i] ** 2);
    let varc = sq;
    if (o.centered) {
      const ga = advance(s, 'ga', p.length, (x, i) => o.alpha * x + (1 - o.alpha) * g[i]);
      varc = zip(sq, (x, i) => x - ga[i] ** 2);
    }
    const dir = zip(g, (x, i) => x / (Math.sqrt(varc[i]) + eps));
    if (!o.momentum) return zip(p, (x, i) => x - o.lr * dir[i]);
    const buf = advance(s, 'buf', p.length, (x, i) => o.momentum! * x + dir[i]);
    return zip(p, (x, i) => x - o.lr * buf[i]);
  };
}

function adagradRef(o: { lr: number; lrDecay: number; weightDecay: number; initial: number }): Reference {
  return (p, g0, t, s) => {
    const g = zip(g0, (x, i) => x + o.weightDecay * p[i]);
    const sum = advance(s, 'sum', p.length, (x, i) => x + g[i] ** 2, o.initial);
    const clr = o.lr / (1 + (t - 1) * o.lrDecay);
    return zip(p, (x, i) => x - (clr * g[i]) / (Math.sqrt(sum[i]) + 1e-10));
  };
}

const P0 = [0.5, -1.25, 2, 0.125, -0.75, 1.5];
/** gradients for 6 steps, varied in sign and size */
const GRADS = Array.from({ length: 6 }, (_, t) =>
  P0.map((_, i) => Math.sin(3 * t + 1.7 * i) * (1 + 0.3 * t)),
);

const RULES: [string, (refs: ParameterRef[]) => Optimizer, Reference][] = [
  [
    'SGD with dampening',
    (r) => new SGD(r, { lr: 0.1, momentum: 0.8, dampening: 0.3 }),
    sgdRef({ lr: 0.1, momentum: 0.8, dampening: 0.3 }),
  ],
  [
    'SGD Nesterov + weight decay',
    (r) => new SGD(r, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
    sgdRef({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
  ],
  [
    'Adam with L2 decay',
    (r) => new Adam(r, { lr: 0.01, weightDecay: 0.1 }),
    adamRef({ lr: 0.01, weightDecay: 0.1 }),
  ],
  [
    'AdamW with AMSGrad',
    (r) => new AdamW(r, { lr: 0.01, weightDecay: 0.05, amsgrad: true }),
    adamRef({ lr: 0.01, weightDecay: 0.05, decoupled: true, amsgrad: true }),
  ],
  [
    'AdamW default decay 0.01',
    (r) => new AdamW(r, { lr: 0.02 }),
    adamRef({ lr: 0.02, weightDecay: 0.01, decoupled: true }),
  ],
  [
    'RMSprop centred with momentum and decay',
    (r) => new RMSprop(r, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.01 }),
    rmspropRef({ lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.01 }),
  ],
  [
    'Adagrad with decay and accumulator',
    (r) => new Adagrad(r, { lr: 0.1, lrDecay: 0.05, weightDecay: 0.02, initialAccumulatorValue: 0.1 }),
    adagradRef({ lr: 0.1, lrDecay: 0.05, weightDecay: 0.02, initial: 0.1 }),
  ],
];

describe('update rules against float64 references', () => {
  for (const [name, make, ref] of RULES) {
    it(name, () =>
      expectNoLeak(async () => {
        const param = parameterRef(d.tensor(P0, [2, 3]));
        const optimizer = make([param]);
        let expected = P0;
        const state: Record<string, number[]> = {};
        for (let t = 1; t <= GRADS.length; t++) {
          const g = d.tensor(GRADS[t - 1], [2, 3]);
          optimizer.step([g]);
          g.dispose();
          expected = ref(expected, GRADS[t - 1], t, state);
          expectClose(await values(param.value), expected, 1e-5, 1e-6);
        }
        expect(optimizer.iterations).toBe(GRADS.length);
        expect(optimizer.stateOf(param)?.step).toBe(GRADS.length);
        optimizer.dispose();
        param.value.dispose();
      }),
    );
  }
});

describe('the Optimizer API', () => {
  it('takes gradients by list, by name, by parameter or from .grad, and skips missing ones', () =>
    expectNoLeak(async () => {
      const params = { w: parameterRef(d.tensor([1, 2])), b: parameterRef(d.tensor([3])) };
      const opt = new SGD(params, { lr: 0.5 });
      const g = d.tensor([2, 4]);
      opt.step({ w: g }); // b has no gradient: untouched
      expect(await values(params.w.value)).toEqual([0, 0]);
      expect(await values(params.b.value)).toEqual([3]);
      const gb = d.tensor([2]);
      opt.step([null, gb]);
      expect(await values(params.b.value)).toEqual([2]);
      opt.step(new Map([[params.w, g]]));
      expect(await values(params.w.value)).toEqual([-1, -2]);
      // .grad, as filled by backward()
      params.w.value.requiresGrad = true;
      const loss = d.tidy(() => d.sum(d.square(params.w.value))); // grad 2w = [-2, -4]
      loss.backward();
      loss.dispose();
      opt.step();
      expect(await values(params.w.value)).toEqual([0, 0]);
      expect(params.w.value.requiresGrad).toBe(true); // carried over to the new tensor
      expect(params.w.value.grad).toBe(null);
      d.dispose([g, gb, params.w.value, params.b.value]);
      opt.dispose();
    }));

  it('zeroGrad clears accumulated gradients', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1, 2]).requireGrad());
      const opt = new SGD([w], { lr: 1 });
      const loss = d.sum(w.value);
      loss.backward();
      loss.dispose();
      expect(w.value.grad).not.toBe(null);
      opt.zeroGrad();
      expect(w.value.grad).toBe(null);
      w.value.dispose();
    }));

  it('keeps updated parameters and state alive outside an enclosing tidy', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1, 2]));
      const opt = new Adam([w], { lr: 0.1 });
      d.tidy(() => opt.step([d.tensor([1, -1])]));
      expect(w.value.isDisposed).toBe(false);
      expect(await values(w.value)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(2.1, 6)]);
      opt.dispose();
      w.value.dispose();
    }));

  it('saves and restores its state', () =>
    expectNoLeak(async () => {
      const a = parameterRef(d.tensor([1, 2, 3]));
      const b = parameterRef(d.tensor([1, 2, 3]));
      const optA = new Adam([a], { lr: 0.1, amsgrad: true });
      const optB = new Adam([b], { lr: 0.1, amsgrad: true });
      const g1 = d.tensor([0.3, -0.2, 0.1]);
      const g2 = d.tensor([-0.1, 0.5, 0.2]);
      optA.step([g1]);
      optB.step([g1]);
      const dict = optA.stateDict();
      expect(Object.keys(dict.tensors)).toEqual(['0.m', '0.v', '0.vMax']);
      expect(dict.steps).toEqual({ '0': 1 });
      const fresh = parameterRef(d.detach(b.value));
      const optC = new Adam([fresh], { lr: 0.01 });
      optC.loadStateDict(optB.stateDict());
      expect(optC.lr).toBe(0.1);
      optA.step([g2]);
      optC.step([g2]);
      expectClose(await values(fresh.value), await values(a.value), 0, 0);
      const bad = new Adam([parameterRef(d.tensor([1]))]);
      expect(() => bad.loadStateDict(dict)).toThrowError(
        /'0.m' is float32\[3\]; parameter '0' is float32\[1\]/,
      );
      bad.dispose();
      d.dispose([g1, g2, a.value, b.value, fresh.value, bad.params[0].value]);
      for (const o of [optA, optB, optC]) o.dispose();
    }));

  it('refuses bad settings and bad gradients with typed errors', () =>
    expectNoLeak(() => {
      const w = parameterRef(d.tensor([1, 2]));
      expect(() => new SGD([w], { lr: -1 })).toThrowError(/SGD: lr must be a finite number ≥ 0, got -1/);
      expect(() => new SGD([w], { lr: 0.1, nesterov: true })).toThrowError(
        /Nesterov momentum needs momentum > 0/,
      );
      expect(() => new Adam([w], { beta1: 1 })).toThrowError(/Adam: beta1 must be in \[0, 1\)/);
      expect(() => new RMSprop([w], { alpha: -0.1 })).toThrowError(d.ArgumentError);
      expect(() => new SGD([w, w], { lr: 1 })).toThrowError(/parameter '1' is listed twice/);
      expect(() => new SGD([{ value: 3 } as unknown as ParameterRef], { lr: 1 })).toThrowError(
        /parameter '0' must be an object \{ value: Tensor \}/,
      );
      const opt = new SGD({ weight: w }, { lr: 0.1 });
      const wrong = d.tensor([1, 2, 3]);
      expect(() => opt.step({ weight: wrong })).toThrowError(
        /SGD.step: gradient of 'weight' is float32\[3\]; the parameter is float32\[2\]/,
      );
      expect(() => opt.step({ wieght: wrong })).toThrowError(
        /gradient for 'wieght', which is not a parameter/,
      );
      expect(() => opt.step([wrong, wrong])).toThrowError(/got 2 gradients for 1 parameters/);
      const int = d.tensor([1, 2], [2], 'int32');
      expect(() => opt.step({ weight: int })).toThrowError(d.DTypeError);
      expect(() => {
        opt.lr = Number.NaN;
      }).toThrowError(d.ArgumentError);
      d.dispose([w.value, wrong, int]);
    }));
});
