// An optimizer step passes its numbers (lr, betas, eps, bias corrections) to kernels as attributes: on a
// GPU every `upload` or `fill` of a literal would be a tiny buffer written per parameter per step. The
// backend counts every call it gets (deferredBackend's `calls`), for the fused update and for core's
// default composition (optimizerUpdate hidden, so the step runs as elementwise ops).
import * as d from '@dendrite/core';
import { deferredBackend } from '@dendrite/core/conformance';
import { createCpuBackend } from '@dendrite/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, parameterRef } from '../src/index.js';
import { expectNoLeak } from './helpers.js';

const names: string[] = [];
afterAll(() => {
  for (const n of names) d.removeBackend(n);
});

/** A deferred backend-cpu that counts its calls; `fused: false` hides its optimizerUpdate. */
async function countingBackend(name: string, fused: boolean): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  const inner = createCpuBackend(name);
  if (!fused) Object.defineProperty(inner, 'optimizerUpdate', { value: undefined });
  d.registerBackend(name, () => deferredBackend(inner, { calls }), -5);
  names.push(name);
  await d.setBackend(name);
  return calls;
}

describe('an Adam step on a 10-parameter model', () => {
  for (const fused of [true, false]) {
    it(`allocates no storage for number literals (${fused ? 'fused update' : "core's default update"})`, () =>
      expectNoLeak(async () => {
        const calls = await countingBackend(`cpu-counting-${fused}`, fused);
        // y = x @ w + b: w [3, 3] and b [1], ten parameters.
        const w = parameterRef(d.tensor([0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, 0.9], [3, 3]));
        const b = parameterRef(d.tensor([0.05]));
        const x = d.tensor([1, 2, 3, -1, 0.5, 2], [2, 3]);
        const y = d.tensor([0.5, -0.5, 1, 0, 1, -1], [2, 3]);
        const opt = new Adam([w, b], { lr: 0.01, weightDecay: 0.001 });
        const loss = (wv: d.Tensor, bv: d.Tensor) => d.mean(d.square(d.sub(d.add(d.matmul(x, wv), bv), y)));
        const gradients = () =>
          d.tidy(() =>
            d
              .grad(loss)(w.value, b.value)
              .map((g) => d.keep(g)),
          );
        // The first step creates the moments (zeros: storage, not literals).
        let grads = gradients();
        opt.step(grads);
        for (const g of grads) g.dispose();
        for (let s = 0; s < 2; s++) {
          grads = gradients();
          calls.clear();
          opt.step(grads);
          await w.value.data();
          expect(calls.get('upload') ?? 0, 'uploads during a step').toBe(0);
          expect(calls.get('fill') ?? 0, 'fills during a step').toBe(0);
          // The step did run: as one fused kernel per parameter, or as elementwise ops on attributes.
          if (fused) expect(calls.get('optimizerUpdate')).toBe(2);
          else expect(calls.get('binaryScalar') ?? 0).toBeGreaterThan(10);
          for (const g of grads) g.dispose();
        }
        expect(opt.iterations).toBe(3);
        opt.dispose();
        for (const t of [w.value, b.value, x, y]) t.dispose();
      }));
  }
});
