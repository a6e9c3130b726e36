import type { Tensor } from '@dendrite/core';
import { checkGradients } from '@dendrite/core/conformance';
import { expect } from 'vitest';
import { type Module, withParameters } from '../src/index.js';

export { expectNoLeak, useCpu } from '@dendrite/test-utils';

export async function values(t: { data(): Promise<ArrayLike<number>> }): Promise<number[]> {
  return Array.from(await t.data());
}

/** `|a - e| <= atol + rtol * |e|` elementwise, with the worst element in the message. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol = 1e-5,
  rtol = 1e-4,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Row-major nested loops as a flat index helper for references written in plain JavaScript. */
export function index(shape: readonly number[], ...at: number[]): number {
  let i = 0;
  for (let k = 0; k < shape.length; k++) i = i * shape[k] + at[k];
  return i;
}

/**
 * Finite-difference check of a layer's gradients for its input and the named parameters (plugged in
 * with `withParameters`), through core's conformance helper.
 */
export async function expectLayerGradients(
  layer: Module,
  x: Tensor,
  paramNames: readonly string[],
  tolerance?: { rtol: number; atol: number },
): Promise<void> {
  const params = new Map(layer.namedParameters());
  const start = paramNames.map((n) => params.get(n)!.value);
  const result = await checkGradients(
    (xi, ...ps) =>
      withParameters(layer, Object.fromEntries(paramNames.map((n, i) => [n, ps[i]])), () =>
        layer.forward(xi),
      ),
    [x, ...start],
    tolerance ? { tolerance } : {},
  );
  expect(result.ok, result.reason).toBe(true);
}
