import { describe, expect, it } from 'vitest';
import { compareValues } from '../src/conformance/compare.js';

describe('compareValues', () => {
  const tol = { rtol: 1e-3, atol: 1e-6 };
  it('accepts values within atol + rtol * |expected|', () => {
    expect(compareValues([1.0005, 0], [1, 0], tol).ok).toBe(true);
  });
  it('rejects and reports the first offending element', () => {
    const c = compareValues([1, 2.1], [1, 2], tol);
    expect(c.ok).toBe(false);
    expect(c.worst).toEqual({ index: 1, actual: 2.1, expected: 2 });
    expect(c.maxAbsErr).toBeCloseTo(0.1);
  });
  it('treats NaN as equal to NaN but not to a number', () => {
    expect(compareValues([Number.NaN], [Number.NaN], tol).ok).toBe(true);
    expect(compareValues([Number.NaN], [1], tol).ok).toBe(false);
    expect(compareValues([Infinity], [Infinity], tol).ok).toBe(true);
  });
  it('rejects a length mismatch', () => {
    expect(compareValues([1], [1, 2], tol).ok).toBe(false);
  });
});
