/** Shared test helpers: a CPU backend per file, a leak check around a body, and float64 references. */

export { expectClose, expectNoLeak, useCpu, values } from '@dendrite/test-utils';

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
