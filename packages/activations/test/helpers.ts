/** Shared test helpers: a CPU backend per file, a leak check around a body, and float64 references. */

import type * as d from '@dendrite/core';
import { expect } from 'vitest';

export { expectNoLeak, useCpu } from '@dendrite/test-utils';

export async function values(t: d.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** erf in float64 by its Maclaurin series (exact to ~1e-9 for |x| ≤ 4; ±1 beyond, off by < 2e-8). */
export function erf64(x: number): number {
  if (Math.abs(x) > 4) return Math.sign(x);
  let term = x;
  let total = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    total += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * total;
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
