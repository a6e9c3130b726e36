// Gradient clipping by global norm and by value against values computed by hand, with leak checks.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm, clipByValue, globalNorm } from '../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

describe('gradient clipping', () => {
  it('global norm over every gradient', () =>
    expectNoLeak(async () => {
      const grads = [d.tensor([3, 0], [1, 2]), d.tensor([4]), d.tensor([0, 12])];
      const n = globalNorm(grads);
      expect(await n.item()).toBeCloseTo(13, 5);
      d.dispose([grads, n]);
    }));

  it('scales by maxNorm / (norm + 1e-6) when the norm is larger, keeping the direction', () =>
    expectNoLeak(async () => {
      const grads = [d.tensor([3, 0]), d.tensor([4])]; // norm 5
      const clipped = clipByGlobalNorm(grads, 1);
      const scale = 1 / (5 + 1e-6);
      expectClose(await values(clipped[0]), [3 * scale, 0]);
      expectClose(await values(clipped[1]), [4 * scale]);
      const untouched = clipByGlobalNorm(grads, 10);
      expectClose(await values(untouched[0]), [3, 0], 0, 0);
      expect(untouched[0]).not.toBe(grads[0]); // always new tensors
      d.dispose([grads, clipped, untouched]);
    }));

  it('clamps by value', () =>
    expectNoLeak(async () => {
      const grads = [d.tensor([-3, 0.5, 2]), d.tensor([[0.1, -0.9]])];
      const clipped = clipByValue(grads, 1);
      expect(await values(clipped[0])).toEqual([-1, 0.5, 1]);
      expectClose(await values(clipped[1]), [0.1, -0.9]);
      expect(clipped[1].shape).toEqual([1, 2]);
      d.dispose([grads, clipped]);
    }));

  it('refuses bad limits', () => {
    expect(() => clipByGlobalNorm([], 0)).toThrowError(/maxNorm must be a positive number, got 0/);
    expect(() => clipByValue([], -1)).toThrowError(d.ArgumentError);
    expect(() => globalNorm([])).toThrowError(d.ArgumentError);
  });
});
