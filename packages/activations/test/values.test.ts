// Each activation's value and derivative against an independent float64 formula (micrograd's oracle
// test), over inputs from −100 to 100 so overflow in a discarded branch would show up as NaN.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as act from '../src/index.js';
import { erf64, expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

const X = [-100, -30, -7.5, -2.5, -1.2, -0.3, 0.2, 0.7, 1.9, 3.3, 7.1, 30, 100];

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
const Phi = (x: number) => 0.5 * (1 + erf64(x / Math.SQRT2));
const K = Math.sqrt(2 / Math.PI);
const A = act.SELU_ALPHA;
const S = act.SELU_SCALE;

interface Case {
  readonly f: (x: d.Tensor) => d.Tensor;
  readonly ref: (x: number) => number;
  readonly dref: (x: number) => number;
}

const CASES: Record<string, Case> = {
  sigmoid: { f: act.sigmoid, ref: sig, dref: (x) => sig(x) * (1 - sig(x)) },
  tanh: { f: act.tanh, ref: Math.tanh, dref: (x) => 1 - Math.tanh(x) ** 2 },
  relu: { f: act.relu, ref: (x) => Math.max(x, 0), dref: (x) => (x > 0 ? 1 : 0) },
  'leakyRelu default': {
    f: (x) => act.leakyRelu(x),
    ref: (x) => (x > 0 ? x : 0.01 * x),
    dref: (x) => (x > 0 ? 1 : 0.01),
  },
  'leakyRelu 0.2': {
    f: (x) => act.leakyRelu(x, 0.2),
    ref: (x) => (x > 0 ? x : 0.2 * x),
    dref: (x) => (x > 0 ? 1 : 0.2),
  },
  'elu 1.5': {
    f: (x) => act.elu(x, 1.5),
    ref: (x) => (x > 0 ? x : 1.5 * Math.expm1(x)),
    dref: (x) => (x > 0 ? 1 : 1.5 * Math.exp(x)),
  },
  selu: {
    f: act.selu,
    ref: (x) => S * (x > 0 ? x : A * Math.expm1(x)),
    dref: (x) => S * (x > 0 ? 1 : A * Math.exp(x)),
  },
  'gelu erf': { f: (x) => act.gelu(x), ref: (x) => x * Phi(x), dref: (x) => Phi(x) + x * phi(x) },
  'gelu tanh': {
    f: (x) => act.gelu(x, { approximate: 'tanh' }),
    ref: (x) => 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x ** 3))),
    dref: (x) => {
      const t = Math.tanh(K * (x + 0.044715 * x ** 3));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * 0.044715 * x * x);
    },
  },
  silu: { f: act.silu, ref: (x) => x * sig(x), dref: (x) => sig(x) + x * sig(x) * (1 - sig(x)) },
  'softplus default': {
    f: (x) => act.softplus(x),
    ref: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
    dref: (x) => (x > 20 ? 1 : sig(x)),
  },
  'softplus beta 2, threshold 5': {
    f: (x) => act.softplus(x, 2, 5),
    ref: (x) => (2 * x > 5 ? x : Math.log1p(Math.exp(2 * x)) / 2),
    dref: (x) => (2 * x > 5 ? 1 : sig(2 * x)),
  },
  'softplus without threshold': {
    f: (x) => act.softplus(x, 1, Infinity),
    ref: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    dref: sig,
  },
  softsign: { f: act.softsign, ref: (x) => x / (1 + Math.abs(x)), dref: (x) => 1 / (1 + Math.abs(x)) ** 2 },
  relu6: { f: act.relu6, ref: (x) => Math.min(Math.max(x, 0), 6), dref: (x) => (x > 0 && x < 6 ? 1 : 0) },
  'hardSigmoid default': {
    f: (x) => act.hardSigmoid(x),
    ref: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
    dref: (x) => (x > -3 && x < 3 ? 1 / 6 : 0),
  },
  'hardSigmoid 0.2, 0.5': {
    f: (x) => act.hardSigmoid(x, 0.2, 0.5),
    ref: (x) => Math.min(Math.max(0.2 * x + 0.5, 0), 1),
    dref: (x) => (x > -2.5 && x < 2.5 ? 0.2 : 0),
  },
  'step a −1, b 2, c 0.5': {
    f: (v) => act.step(v, { a: -1, b: 2, c: 0.5 }),
    ref: (v) => (v < 0.5 ? -1 : 2),
    dref: () => 0,
  },
  'ramp a −1, b 2, c −0.5, d 1.5': {
    f: (v) => act.ramp(v, { a: -1, b: 2, c: -0.5, d: 1.5 }),
    ref: (v) => (v < -0.5 ? -1 : v > 1.5 ? 2 : -1 + ((v + 0.5) * 3) / 2),
    dref: (v) => (v > -0.5 && v < 1.5 ? 1.5 : 0),
  },
  'parametricSigmoid z 0.5, x 2, y 1': {
    f: (v) => act.parametricSigmoid(v, { z: 0.5, x: 2, y: 1 }),
    ref: (v) => 0.5 + 1 / (1 + Math.exp(-2 * v + 1)),
    dref: (v) => 2 * sig(2 * v - 1) * (1 - sig(2 * v - 1)),
  },
  'gaussian mu 0.5, sigma 1.5': {
    f: (v) => act.gaussian(v, { mu: 0.5, sigma: 1.5 }),
    ref: (v) => phi((v - 0.5) / 1.5) / 1.5,
    dref: (v) => (-(v - 0.5) / 1.5 ** 2) * (phi((v - 0.5) / 1.5) / 1.5),
  },
};

describe('activations: value and derivative against float64 formulas', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () =>
      expectNoLeak(async () => {
        const x = d.tensor(X);
        const { value, grads } = d.valueAndGrad((t) => d.sum(c.f(t)))(x);
        const y = d.tidy(() => c.f(x));
        const [ys, gs] = [await values(y), await values(grads[0])];
        expect(ys.every(Number.isFinite) && gs.every(Number.isFinite)).toBe(true);
        expectClose(ys, X.map(c.ref));
        expectClose(gs, X.map(c.dref));
        d.dispose([x, y, value, grads]);
      }),
    );
  }

  it('swish is silu', () => expect(act.swish).toBe(act.silu));

  it('step includes the threshold in the upper level, and keeps v in the graph with gradient 0', () =>
    expectNoLeak(async () => {
      const v = d.tensor([0.4, 0.5, 0.6]).requireGrad();
      const y = act.step(v, { a: -1, b: 2, c: 0.5 });
      expect(await values(y)).toEqual([-1, 2, 2]);
      const total = d.sum(y);
      total.backward();
      expect(await values(v.grad!)).toEqual([0, 0, 0]);
      d.dispose([v, y, total]);
    }));

  it('ramp takes the slope at both ends (as PyTorch does) and the classic defaults are sensible', () =>
    expectNoLeak(async () => {
      const v = d.tensor([0, 1]);
      const g = d.grad((t) => d.sum(act.ramp(t, { a: 0, b: 4, c: 0, d: 1 })))(v);
      expect(await values(g[0])).toEqual([4, 4]);
      const plain = d.tensor([-1, 0, 2]);
      const ys = await Promise.all(
        [act.step(plain), act.ramp(plain), act.parametricSigmoid(plain), act.gaussian(plain)].map(
          async (y) => {
            const out = await values(y);
            y.dispose();
            return out;
          },
        ),
      );
      expect(ys[0]).toEqual([0, 1, 1]); // Heaviside
      expect(ys[1]).toEqual([0, 0, 1]); // clamp to [0, 1]
      expectClose(ys[2], [-1, 0, 2].map(sig)); // logistic sigmoid
      expectClose(ys[3], [-1, 0, 2].map(phi)); // standard normal density
      d.dispose([v, g, plain]);
    }));
});

describe('softmax and logSoftmax', () => {
  const data = [1, -2, 0.5, 3, 0.1, -0.7, 2.2, -1.4, 0.9, 1.3, -0.2, 0.4];
  /** softmax over `axis` of a [2, 3, 2] array, in float64 */
  function refSoftmax(axis: number): number[] {
    const shape = [2, 3, 2];
    const strides = [6, 2, 1];
    const out = new Array<number>(12);
    for (let i = 0; i < 12; i++) {
      const coord = Math.floor(i / strides[axis]) % shape[axis];
      const base = i - coord * strides[axis];
      const group = Array.from({ length: shape[axis] }, (_, k) => data[base + k * strides[axis]]);
      const m = Math.max(...group);
      out[i] = Math.exp(data[i] - m) / group.reduce((s, v) => s + Math.exp(v - m), 0);
    }
    return out;
  }

  for (const axis of [-1, 0, 1]) {
    it(`along axis ${axis}`, () =>
      expectNoLeak(async () => {
        const x = d.tensor(data, [2, 3, 2]);
        const y = act.softmax(x, axis);
        const ly = act.logSoftmax(x, axis);
        const ref = refSoftmax(axis < 0 ? axis + 3 : axis);
        expectClose(await values(y), ref);
        expectClose(await values(ly), ref.map(Math.log));
        d.dispose([x, y, ly]);
      }));
  }

  it('stays finite for large logits', () =>
    expectNoLeak(async () => {
      const x = d.tensor([1000, 1001, -1000]);
      const y = act.softmax(x);
      const ly = act.logSoftmax(x);
      expectClose(await values(y), [1 / (1 + Math.E), Math.E / (1 + Math.E), 0]);
      expectClose(await values(ly), [
        -Math.log1p(Math.E),
        -Math.log1p(1 / Math.E),
        -2001 - Math.log1p(1 / Math.E),
      ]);
      d.dispose([x, y, ly]);
    }));
});

describe('bad input is refused with a typed error naming the activation', () => {
  it('int32 and bool tensors', () =>
    expectNoLeak(() => {
      const i = d.tensor([1, 2], [2], 'int32');
      expect(() => act.relu(i)).toThrowError(d.DTypeError);
      expect(() => act.gelu(i)).toThrowError(/gelu: got int32\[2\]; expected float32/);
      expect(() => act.step(i)).toThrowError(/step: got int32\[2\]/);
      i.dispose();
    }));

  it('a disposed tensor', () => {
    const x = d.tensor([1]);
    x.dispose();
    expect(() => act.sigmoid(x)).toThrowError(d.DisposedError);
  });

  it('parameters out of range', () =>
    expectNoLeak(() => {
      const x = d.tensor([1, 2]);
      expect(() => act.leakyRelu(x, Number.NaN)).toThrowError(/leakyRelu: alpha must be a finite number/);
      expect(() => act.softplus(x, 0)).toThrowError(/softplus: beta must be greater than 0, got 0/);
      expect(() => act.softplus(x, 1, Number.NaN)).toThrowError(d.ArgumentError);
      expect(() => act.gelu(x, { approximate: 'fast' as 'tanh' })).toThrowError(
        /gelu: approximate must be 'none' or 'tanh', got 'fast'/,
      );
      expect(() => act.ramp(x, { c: 1, d: 1 })).toThrowError(
        /ramp: d must be greater than c, got c = 1, d = 1/,
      );
      expect(() => act.gaussian(x, { sigma: -1 })).toThrowError(/gaussian: sigma must be greater than 0/);
      expect(() => act.step(x, { c: Number.POSITIVE_INFINITY })).toThrowError(d.ArgumentError);
      expect(() => act.softmax(x, 3)).toThrowError(d.DendriteError);
      x.dispose();
    }));
});
