// Core's deferred checks on backend-cpu and on backend-cpu run as a GPU (deferredBackend): numerics
// (setCheckNumerics names the first op whose output is not finite, every op including the fused
// optimizer update), index ranges (oneHot) and readScalars (many scalars, one read).
import * as d from '@dendrite/core';
import { deferredBackend } from '@dendrite/core/conformance';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';
import { expectNoLeak } from './helpers.js';

const calls = new Map<string, number>();
beforeAll(() => {
  d.registerBackend('checks-sync', () => createCpuBackend('checks-sync'), -1);
  d.registerBackend('checks-async', () => deferredBackend(createCpuBackend('checks-async'), { calls }), -1);
});
afterAll(() => {
  d.removeBackend('checks-sync');
  d.removeBackend('checks-async');
});
afterEach(() => {
  d.setCheckNumerics(false);
});

for (const [name, sync] of [
  ['checks-sync', true],
  ['checks-async', false],
] as const) {
  describe(`on ${sync ? 'a synchronous' : 'an asynchronous'} backend`, () => {
    beforeAll(() => d.setBackend(name));

    it('checkNumerics names the first op whose output is not finite, with its inputs', () =>
      expectNoLeak(async () => {
        using x = d.tensor([1, 0, 4]);
        expect(d.setCheckNumerics(true)).toBe(false);
        const run = () =>
          d.tidy(() => {
            const y = d.sqrt(x); // finite
            const z = d.log(d.sub(y, 1)); // log(0) = −Infinity, log(−1) = NaN: the first bad op
            return d.sum(d.mul(z, 2)); // would be non-finite too, never reached on cpu
          });
        const pattern =
          /^log: output float32\[3\] .*is not finite; inputs: #0 float32\[3\] min -1 max 1, NaN 0, \+Infinity 0, −Infinity 0$/;
        if (sync) {
          expect(run).toThrowError(d.NonFiniteError);
          expect(run).toThrowError(pattern);
        } else {
          using s = run(); // nothing read yet
          await expect(s.data()).rejects.toThrowError(pattern);
          expect(await s.item()).toBeNaN(); // judged once; the value itself is what it is
        }
      }));

    it('an input that was already non-finite is said to come from outside', () =>
      expectNoLeak(async () => {
        using x = d.tensor([1, Number.NaN]);
        d.setCheckNumerics(true);
        const attempt = async () => {
          using y = d.mul(x, 3);
          await y.data();
        };
        await expect(attempt()).rejects.toThrowError(
          /^mul: .*an input was already non-finite.*inputs: #0 float32\[2\] min 1 max 1, NaN 1/,
        );
      }));

    it('covers the fused optimizer update, and costs nothing when off', () =>
      expectNoLeak(async () => {
        using p = d.tensor([1, 2]);
        using g = d.tensor([Number.POSITIVE_INFINITY, 0]);
        const step = () => d.optimizerUpdate('sgd', p, g, [], { lr: 0.1 });
        const off = step();
        expect(Array.from(await off.param.data())[0]).toBe(-Infinity);
        off.param.dispose();
        d.setCheckNumerics(true);
        const attempt = async () => {
          const r = step();
          try {
            await r.param.data();
          } finally {
            r.param.dispose();
          }
        };
        await expect(attempt()).rejects.toThrowError(/optimizerUpdate\(sgd\): output float32\[2\]/);
      }));

    it('oneHot refuses indices out of range; readScalars reads many scalars (and the checks) at once', () =>
      expectNoLeak(async () => {
        using bad = d.tensor([0, 3], [2], 'int32');
        const attempt = async () => {
          using h = d.oneHot(bad, 3);
          await h.data();
        };
        await expect(attempt()).rejects.toThrowError(d.IndexError);
        expect(() => d.oneHot(bad, Number.NaN)).toThrowError(/^oneHot: depth .*NaN/);
        expect(() => d.checkIndexRange('myOp', 'labels', bad, -1)).toThrowError(
          'myOp: depth (the number of classes or rows) must be a non-negative integer, got -1',
        );
        using a = d.scalar(1.5);
        using b = d.tensor([7], [1], 'int32');
        using c = d.tidy(() => d.sum(d.tensor([1, 2])));
        calls.clear();
        expect(await d.readScalars([a, b, c])).toEqual([1.5, 7, 3]);
        if (!sync) expect(calls.get('read')).toBe(1);
        using pair = d.zeros([2]);
        await expect(d.readScalars([pair])).rejects.toThrowError(
          'readScalars: expected one-element tensors, got float32[2]',
        );
      }));
  });
}
