// Bad input never reaches the C side: core's public ops called with random, often invalid shapes,
// options and indices either compute (values and gradients) what backend-cpu computes or throw one of
// core's typed errors — and a canary tensor, the byte count and the module instance stay intact. The
// backend itself trusts what core validated (the contract); only its storage checks and the kit's index
// checks stand between a kernel and the heap, and this test goes through both.
import {
  avgPool2d,
  conv2d,
  DendriteError,
  gather,
  matmul,
  maxPool2d,
  pad,
  scatterAdd,
  setBackend,
  slice,
  type Tensor,
  tensor,
  transpose,
} from '@dendrite/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/node.js';
import { evaluate, expectMatchesCpu, type Input, ints, useWasm } from './helpers.js';

// Reproducible runs (a failure prints its seed and path anyway).
fc.configureGlobal({ seed: 0x5eed });

const W = 'wasm-fuzz';
let wasm: WasmBackend;
const CANARY = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i));
let canary: Tensor;
/** Cases computed and cases refused, so a run that only ever refuses is caught. */
let computed = 0;
let refused = 0;

beforeAll(async () => {
  wasm = await useWasm(W);
  canary = tensor(Array.from(CANARY), [CANARY.length]);
});
afterAll(() => {
  // Both kinds of case must occur: a run that only ever refused would test nothing.
  expect(computed).toBeGreaterThan(100);
  expect(refused).toBeGreaterThan(20);
  canary.dispose();
  wasm.dispose();
});

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const values = (shape: readonly number[], seed: number): Input => ({
  shape,
  values: Array.from({ length: size(shape) }, (_, i) => Math.fround(Math.sin(i * 1.3 + seed))),
});

/**
 * Runs `f` on both backends: equal values and gradients, or a typed error on both. Either way the
 * canary is untouched, nothing leaked and the instance never aborted.
 */
async function check(inputs: readonly Input[], f: (...xs: Tensor[]) => Tensor, grads = true): Promise<void> {
  const before = wasm.memory();
  let failure: unknown = null;
  try {
    await expectMatchesCpu(W, inputs, f, { grads, rtol: 1e-3, atol: 1e-3 });
  } catch (e) {
    failure = e;
  }
  await setBackend(W);
  if (failure !== null) {
    // Not a mismatch: core refused the input (on the reference), and refuses it on wasm too.
    expect(failure, String(failure)).toBeInstanceOf(DendriteError);
    await expect(evaluate(W, inputs, f, grads)).rejects.toThrow(DendriteError);
    refused++;
  } else computed++;
  expect(wasm.memory()).toEqual(before);
  const seen = canary.dataSync();
  expect(CANARY.every((v, i) => seen[i] === v)).toBe(true);
  expect(wasm.info().incidents).toEqual([]);
}

const dim = fc.integer({ min: 0, max: 5 });
/** Mostly valid attribute values (>= min), sometimes not. */
const attr = (min: number) =>
  fc.oneof(
    { arbitrary: fc.integer({ min, max: 3 }), weight: 8 },
    { arbitrary: fc.integer({ min: -2, max: min - 1 }), weight: 1 },
  );
const positive = attr(1);
const padding = attr(0);
const shapeOf = (rank: { min: number; max: number }) =>
  fc.array(dim, { minLength: rank.min, maxLength: rank.max });

describe('fuzzed ops never corrupt memory', () => {
  it('matmul', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeOf({ min: 1, max: 4 }),
        shapeOf({ min: 1, max: 4 }),
        fc.boolean(),
        fc.boolean(),
        async (a, b, transposeA, transposeB) => {
          await check([values(a, 0), values(b, 1)], (x, y) => matmul(x, y, { transposeA, transposeB }));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('conv2d and its gradients', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(dim, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), dim),
        fc.tuple(positive, positive, dim, dim),
        fc.tuple(positive, positive, padding, padding, padding, padding, positive, positive),
        fc.oneof(
          { arbitrary: fc.constant(1), weight: 4 },
          { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 },
        ),
        async (x, f, [sh, sw, pt, pb, pl, pr, dh, dw], groups) => {
          const options = {
            strides: [sh, sw] as [number, number],
            padding: [
              [pt, pb],
              [pl, pr],
            ] as [[number, number], [number, number]],
            dilations: [dh, dw] as [number, number],
            groups,
          };
          await check([values(x, 0), values(f, 1)], (tx, tf) => conv2d(tx, tf, options));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('pooling and its gradients', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(dim, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), dim),
        fc.tuple(positive, positive, positive, positive, padding, padding, padding, padding),
        fc.boolean(),
        async (x, [kh, kw, sh, sw, pt, pb, pl, pr], max) => {
          const options = {
            strides: [sh, sw] as [number, number],
            padding: [
              [pt, pb],
              [pl, pr],
            ] as [[number, number], [number, number]],
          };
          const pool = max ? maxPool2d : avgPool2d;
          await check([values(x, 0)], (t) => pool(t, [kh, kw], options));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gather and scatterAdd with any indices', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3 }), weight: 6 }, fc.integer({ min: -2, max: 6 })),
          { maxLength: 6 },
        ),
        fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 }), weight: 6 }, fc.constantFrom(-1, 3)),
        fc.boolean(),
        async (xs, idx, axis, scatter) => {
          const indices = ints([idx.length], idx);
          const a = Math.min(Math.max(axis, 0), xs.length - 1);
          const other = [...xs.slice(0, a), idx.length, ...xs.slice(a + 1)];
          if (!scatter) await check([values(xs, 0), indices], (x, i) => gather(x, i, axis));
          else await check([values(other, 0), indices], (u, i) => scatterAdd(u, i, axis, xs));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('slice, pad and transpose', async () => {
    const box = (x: number[]) =>
      fc.tuple(
        fc.tuple(...x.map((d) => fc.integer({ min: 0, max: d }))),
        fc.tuple(...x.map((d) => fc.integer({ min: 0, max: d }))),
        fc.integer({ min: 0, max: 3 }),
      );
    await fc.assert(
      fc.asyncProperty(
        shapeOf({ min: 0, max: 4 }).chain((x) =>
          fc.tuple(
            fc.constant(x),
            box(x),
            fc.shuffledSubarray(
              x.map((_, i) => i),
              { minLength: x.length },
            ),
          ),
        ),
        fc.array(attr(0), { maxLength: 4 }),
        fc.constantFrom('slice', 'pad', 'transpose'),
        async ([x, [begin, extent, spoil], perm], pads, which) => {
          const input = [values(x, 0)];
          if (which === 'slice') {
            // In range unless spoiled: past the end, or a begin of the wrong rank.
            const sizes = extent.map((e, i) => Math.min(e, x[i] - begin[i]) + (spoil === 0 ? 1 : 0));
            const b = spoil === 1 ? begin.slice(1) : begin;
            await check(input, (t) => slice(t, b, sizes));
          } else if (which === 'pad') {
            const pp = x.map((_, i) => [pads[i] ?? 0, pads[(i + 1) % 4] ?? 0] as [number, number]);
            await check(input, (t) => pad(t, pp, 0.5));
          } else {
            const p = spoil === 0 && perm.length > 1 ? [perm[0], ...perm.slice(0, -1)] : perm;
            await check(input, (t) => transpose(t, p));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
