/** Shared test helpers: the CPU backend, a leak check, a plain SGD for training procedures, fixtures. */
import { readFileSync } from 'node:fs';
import { dispose, keep, memory, optimizerUpdate, type Tensor, zerosLike } from '@dendrite/core';
import type { Parameter } from '@dendrite/layers';
import { afterEach, beforeEach, expect } from 'vitest';
import type { GradientOptimizer } from '../src/index.js';

export { expectNoLeak, useCpu } from '@dendrite/test-utils';

/**
 * Checks every test of the calling file for leaks: live tensors and backend bytes after the test equal
 * those before it (models built and disposed inside a test, errors thrown while building, and so on).
 */
export function checkLeaksAroundEachTest(): void {
  let before = { tensors: 0, bytes: 0 };
  beforeEach(() => {
    const m = memory();
    before = { tensors: m.tensors, bytes: m.bytes };
  });
  afterEach(() => {
    const m = memory();
    expect({ tensors: m.tensors, bytes: m.bytes }, 'live tensors and bytes after the test').toEqual(before);
  });
}

/** Plain SGD through core's `optimizerUpdate` (the procedures take any structural optimizer). */
export function sgd(lr: number): GradientOptimizer {
  return {
    step(grads: ReadonlyMap<Parameter, Tensor | null>) {
      for (const [p, g] of grads) {
        if (!g) continue;
        const { param, state } = optimizerUpdate('sgd', p.value, g, [], { lr });
        dispose(state);
        p.value = param;
      }
    },
  };
}

/** Adam (PyTorch's rule) through core's `optimizerUpdate`; `dispose()` frees its moments. */
export function adam(lr: number): GradientOptimizer & { dispose(): void } {
  const moments = new Map<Parameter, Tensor[]>();
  let step = 0;
  return {
    step(grads: ReadonlyMap<Parameter, Tensor | null>) {
      step++;
      for (const [p, g] of grads) {
        if (!g) continue;
        const state = moments.get(p) ?? [keep(zerosLike(p.value)), keep(zerosLike(p.value))];
        const next = optimizerUpdate('adam', p.value, g, state, { lr, step });
        dispose(state);
        moments.set(
          p,
          next.state.map((t) => keep(t)),
        );
        p.value = next.param;
      }
    },
    dispose() {
      for (const s of moments.values()) dispose(s);
      moments.clear();
    },
  };
}

export const FIXTURES = new URL('../../../fixtures/torch/', import.meta.url);

export function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as T;
}
