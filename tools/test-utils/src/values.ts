/** Reading a tensor's values and comparing them with a reference, as the packages' tests do. */
import { expect } from 'vitest';

export async function values(t: { data(): Promise<ArrayLike<number>> }): Promise<number[]> {
  return Array.from(await t.data());
}

/** Asserts |a − e| ≤ atol + rtol·|e| elementwise (numpy's argument order), naming the first element that differs. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-5,
  atol = 1e-6,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) expect({ index: i, actual: actual[i] }).toEqual({ index: i, actual: expected[i] });
  }
}
