/** Shared test helpers: a CPU backend per file, a leak check around a body, closeness of values. */

import type * as d from '@dendrite/core';
import { expect } from 'vitest';

export { expectNoLeak, useCpu } from '@dendrite/test-utils';

export async function values(t: d.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Asserts |a − e| ≤ atol + rtol·|e| elementwise, naming the first element that differs. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-5,
  atol = 1e-6,
) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) expect({ index: i, actual: actual[i] }).toEqual({ index: i, actual: expected[i] });
  }
}
