import { registerActivation } from '@dendrite/activations';
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivationLayer, Dense, Identity } from '../../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('ActivationLayer and activation options', () => {
  it('resolves names, names with parameters, functions and user-registered activations', async () => {
    registerActivation('cube', () => (x) => d.mul(d.square(x), x), { replace: true });
    await expectNoLeak(async () => {
      using x = d.tensor([-2, -0.5, 0.5, 2]);
      const cases: [ConstructorParameters<typeof ActivationLayer>[0], (v: number) => number][] = [
        ['relu', (v) => Math.max(0, v)],
        [{ name: 'leakyRelu', params: { alpha: 0.2 } }, (v) => (v > 0 ? v : 0.2 * v)],
        [(t: d.Tensor) => d.mul(t, 3), (v) => 3 * v],
        ['cube', (v) => v ** 3],
        ['linear', (v) => v],
      ];
      for (const [spec, f] of cases) {
        using y = new ActivationLayer(spec).forward(x);
        expectClose(await values(y), [-2, -0.5, 0.5, 2].map(f));
      }
      expect(new ActivationLayer({ name: 'elu' }).activationName).toBe('elu');
      expect(() => new ActivationLayer('nope')).toThrowError(/unknown activation 'nope'/);
    });
  });

  it('Dense with a registered non-fusable activation applies it after the product', async () => {
    await expectNoLeak(async () => {
      const plain = new Dense(2, 2, { rng: new d.Rng(1) });
      const cubed = new Dense(2, 2, { rng: new d.Rng(1), activation: 'cube' });
      using x = d.tensor([[1, -1]]);
      using a = plain.forward(x);
      using b = cubed.forward(x);
      expectClose(
        await values(b),
        (await values(a)).map((v) => v ** 3),
      );
      plain.dispose();
      cubed.dispose();
    });
  });

  it('Identity passes any dtype through', async () => {
    await expectNoLeak(async () => {
      using ids = d.tensor(new Int32Array([3, 4]), [2]);
      using y = new Identity().forward(ids);
      expect(await values(y)).toEqual([3, 4]);
    });
  });
});
