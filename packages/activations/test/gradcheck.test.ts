// Finite-difference gradient checks of every activation (core's checkGradients), on inputs chosen away
// from the kinks so central differences are meaningful.
import * as d from '@dendrite/core';
import { checkGradients } from '@dendrite/core/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import * as act from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

const INPUT = [-3.6, -2.3, -1.1, -0.45, 0.35, 0.8, 1.7, 2.6, 4.2, 6.5];

const CHECKED: Record<string, (x: d.Tensor) => d.Tensor> = {
  sigmoid: act.sigmoid,
  tanh: act.tanh,
  relu: act.relu,
  leakyRelu: (x) => act.leakyRelu(x, 0.1),
  elu: (x) => act.elu(x, 0.7),
  selu: act.selu,
  'gelu erf': (x) => act.gelu(x),
  'gelu tanh': (x) => act.gelu(x, { approximate: 'tanh' }),
  silu: act.silu,
  softplus: (x) => act.softplus(x, 1.5, 4),
  softsign: act.softsign,
  relu6: act.relu6,
  hardSigmoid: (x) => act.hardSigmoid(x),
  'softmax axis 0': (x) => act.softmax(d.reshape(x, [2, 5]), 0),
  'softmax axis -1': (x) => act.softmax(d.reshape(x, [2, 5])),
  'logSoftmax axis -1': (x) => act.logSoftmax(d.reshape(x, [2, 5])),
  step: (v) => act.step(v, { a: -1, b: 2, c: 0.5 }),
  ramp: (v) => act.ramp(v, { a: -1, b: 2, c: -0.5, d: 1.5 }),
  parametricSigmoid: (v) => act.parametricSigmoid(v, { z: 0.5, x: 2, y: 1 }),
  gaussian: (v) => act.gaussian(v, { mu: 0.5, sigma: 1.5 }),
};

describe('finite-difference gradient checks', () => {
  for (const [name, f] of Object.entries(CHECKED)) {
    it(name, () =>
      expectNoLeak(async () => {
        const x = d.tensor(INPUT);
        const result = await checkGradients(f, [x]);
        x.dispose();
        expect(result.ok, result.reason).toBe(true);
      }),
    );
  }

  it('covers every built-in except linear', () => {
    const covered = new Set(Object.keys(CHECKED).map((k) => k.split(' ')[0]));
    const missing = act.activationNames().filter((n) => n !== 'linear' && n !== 'swish' && !covered.has(n));
    expect(missing).toEqual([]);
  });
});
