// Activations by name: the built-ins, their parameters, errors that list what is known, and extension.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as act from '../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

const BUILT_INS = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'elu',
  'selu',
  'gelu',
  'silu',
  'swish',
  'softplus',
  'softsign',
  'relu6',
  'hardSigmoid',
  'softmax',
  'logSoftmax',
  'step',
  'ramp',
  'parametricSigmoid',
  'gaussian',
];

async function apply(f: act.Activation, xs: number[]): Promise<number[]> {
  const x = d.tensor(xs);
  const y = f(x);
  const out = await values(y);
  d.dispose([x, y]);
  return out;
}

describe('the activation registry', () => {
  it('knows every built-in', () => {
    expect(act.activationNames().slice(0, BUILT_INS.length)).toEqual(BUILT_INS);
  });

  it('returns the same values by name as the direct call', () =>
    expectNoLeak(async () => {
      const xs = [-2, -0.5, 0.3, 1.7];
      const pairs: [act.Activation, act.Activation][] = [
        [act.getActivation('linear'), (x) => d.identity(x)],
        [act.getActivation('sigmoid'), act.sigmoid],
        [act.getActivation('relu'), act.relu],
        [act.getActivation('leakyRelu', { alpha: 0.3 }), (x) => act.leakyRelu(x, 0.3)],
        [act.getActivation('leakyRelu'), (x) => act.leakyRelu(x)],
        [act.getActivation('elu', { alpha: 2 }), (x) => act.elu(x, 2)],
        [act.getActivation('gelu', { approximate: 'tanh' }), (x) => act.gelu(x, { approximate: 'tanh' })],
        [act.getActivation('swish'), act.silu],
        [act.getActivation('softplus', { beta: 2, threshold: 1 }), (x) => act.softplus(x, 2, 1)],
        [act.getActivation('hardSigmoid', { alpha: 0.2 }), (x) => act.hardSigmoid(x, 0.2)],
        [act.getActivation('softmax', { axis: 0 }), (x) => act.softmax(x, 0)],
        [act.getActivation('step', { c: 0.3 }), (v) => act.step(v, { c: 0.3 })],
        [
          act.getActivation('ramp', { a: -1, b: 1, c: -1, d: 1 }),
          (v) => act.ramp(v, { a: -1, b: 1, c: -1, d: 1 }),
        ],
        [act.getActivation('parametricSigmoid', { x: 3 }), (v) => act.parametricSigmoid(v, { x: 3 })],
        [act.getActivation('gaussian', { sigma: 2 }), (v) => act.gaussian(v, { sigma: 2 })],
      ];
      for (const [byName, direct] of pairs)
        expectClose(await apply(byName, xs), await apply(direct, xs), 0, 0);
    }));

  it('passes functions through unchanged', () => {
    const f: act.Activation = (x) => d.neg(x);
    expect(act.getActivation(f)).toBe(f);
  });

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => act.getActivation('reLU')).toThrowError(d.ArgumentError);
    expect(() => act.getActivation('reLU')).toThrowError(
      /getActivation: unknown activation 'reLU'; known: linear, sigmoid, tanh, relu, .*gaussian/,
    );
  });

  it('refuses unknown or mistyped parameters when the activation is looked up', () => {
    expect(() => act.getActivation('leakyRelu', { alpah: 0.1 })).toThrowError(
      /unknown parameter 'alpah'; accepted: alpha/,
    );
    expect(() => act.getActivation('relu', { alpha: 0.1 })).toThrowError(/it takes no parameters/);
    expect(() => act.getActivation('elu', { alpha: 'big' })).toThrowError(/'alpha' must be a number/);
    expect(() => act.getActivation('gelu', { approximate: 'sigmoid' })).toThrowError(/approximate must be/);
    expect(() => act.getActivation('ramp', { c: 2 })).toThrowError(/d must be greater than c/);
    expect(() => act.getActivation('softmax', { axis: 0.5 })).toThrowError(/axis must be an integer/);
  });

  it('is extensible, and protects names already taken', () =>
    expectNoLeak(async () => {
      act.registerActivation('scaledTanh', (params) => {
        const gain = Number(params?.gain ?? 1);
        return (x) => d.tidy(() => d.mul(d.tanh(x), gain));
      });
      expect(act.activationNames()).toContain('scaledTanh');
      expectClose(await apply(act.getActivation('scaledTanh', { gain: 2 }), [0.5]), [2 * Math.tanh(0.5)]);
      expect(() => act.registerActivation('relu', () => act.sigmoid)).toThrowError(
        /'relu' is already registered/,
      );
      act.registerActivation('scaledTanh', () => act.tanh, { replace: true });
      expect(act.getActivation('scaledTanh')).toBe(act.tanh);
      expect(() => act.registerActivation('', () => act.tanh)).toThrowError(d.ArgumentError);
      expect(() => act.registerActivation('bad', 3 as unknown as act.ActivationFactory)).toThrowError(
        /factory for 'bad' must be a function/,
      );
    }));

  it('activations by name train through autograd', () =>
    expectNoLeak(async () => {
      for (const name of act.activationNames().filter((n) => BUILT_INS.includes(n))) {
        const x = d.tensor([[-0.7, 0.4, 1.3]]);
        const g = d.grad((t) => d.sum(d.mul(act.getActivation(name)(t), d.tensor([[1, 2, 3]]))))(x);
        const gs = await values(g[0]);
        expect(gs.every(Number.isFinite), name).toBe(true);
        d.dispose([x, g]);
      }
    }));
});
