// Every rank core accepts works on webgpu: shapes whose axes cannot be collapsed to the usual eight
// (alternating broadcast, padding or reduced axes, up to rank 12 and beyond), against backend-cpu.
// Found by the differential fuzz: tile of a rank-6 tensor broadcast at rank 12 and threw a plain Error.
import * as d from '@dendrite/core';
import { expectNoLeak } from '@dendrite/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { CPU, useWebGPU } from './helpers.js';

const GPU = 'webgpu-high-rank';
beforeAll(async () => {
  await useWebGPU(GPU);
});

const values = (shape: number[]) =>
  Array.from({ length: shape.reduce((p, v) => p * v, 1) }, (_, i) => ((i * 37) % 101) / 10 - 5);

/** `f` of fresh tensors of `shapes` on webgpu and on backend-cpu: same shape, same values, no leak. */
async function same(shapes: number[][], f: (...xs: d.Tensor[]) => d.Tensor, rtol = 0) {
  const run = async (name: string) => {
    await d.setBackend(name);
    const xs = shapes.map((s) => d.tensor(values(s), s));
    const y = d.tidy(() => f(...xs));
    const out = { shape: y.shape, data: Array.from(await y.data()) };
    d.dispose([...xs, y]);
    return out;
  };
  const want = await run(CPU);
  await expectNoLeak(async () => {
    const got = await run(GPU);
    expect(got.shape).toEqual(want.shape);
    if (rtol === 0) expect(got.data).toEqual(want.data);
    else {
      // Within rtol of max(|want|, 1) (sums of terms of both signs), equal infinities and NaN alike.
      const bad = got.data.filter((g, i) => {
        const w = want.data[i];
        return !(
          g === w ||
          (Number.isNaN(g) && Number.isNaN(w)) ||
          Math.abs(g - w) <= rtol * Math.max(Math.abs(w), 1)
        );
      });
      expect(bad).toEqual([]);
    }
  });
}

// Rank 12, no two neighbouring axes alike: nothing collapses.
const alternating = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];
const full = alternating.map(() => 2);

describe('ranks past eight collapsed axes', () => {
  it('tile of a rank-6 tensor (the fuzz case: it broadcasts at rank 12)', async () => {
    await same([[2, 3, 1, 2, 2, 3]], (x) => d.tile(x, [2, 1, 2, 2, 1, 2]));
  });

  it('binary ops and where broadcasting along every other axis of rank 12', async () => {
    await same([full, alternating], (a, b) => d.add(a, b));
    await same([alternating, full], (a, b) => d.pow(d.abs(a), d.div(b, 4)), 1e-5);
    await same([full, alternating], (a, b) => d.where(d.greater(a, b), a, b));
  });

  it('transpose, slice and expand at rank 12', async () => {
    const perm = full.map((_, i) => (i * 5) % 12);
    await same([full], (x) => d.transpose(x, perm));
    await same([full.map((v, i) => v + (i % 2))], (x) =>
      d.slice(
        x,
        full.map((_, i) => i % 2),
        full.map(() => 2),
      ),
    );
    await same([alternating], (x) => d.broadcastTo(x, [3, ...full]));
  });

  it('pad every other axis of rank 12, and rank 40 of ones', async () => {
    await same([full], (x) =>
      d.pad(
        x,
        full.map((_, i) => (i % 2 ? [0, 0] : [1, 0])),
        0.5,
      ),
    );
    const ones = new Array(40).fill(1);
    await same([ones], (x) =>
      d.pad(
        x,
        ones.map((_, i) => (i % 3 ? [0, 0] : [0, 1])),
        -2,
      ),
    );
  });

  it('pad of an empty tensor is all padding', async () => {
    await same([[2, 0, 3]], (x) =>
      d.pad(
        x,
        [
          [0, 1],
          [1, 1],
          [0, 0],
        ],
        7,
      ),
    );
  });

  it('sums over every other axis of rank 12, and over an empty axis among many', async () => {
    await same([full], (x) => d.sum(x, [0, 2, 4, 6, 8, 10]), 1e-5);
    await same([full], (x) => d.max(x, [1, 4, 5, 8, 11]));
    await same([[...full.slice(0, 11), 0]], (x) => d.sum(x, [0, 2, 4, 6, 8, 10, 11]));
  });

  it('matmul with a rank-10 broadcast batch', async () => {
    await same(
      [
        [...alternating.slice(0, 10), 3, 4],
        [...full.slice(0, 10), 4, 2],
      ],
      (a, b) => d.matmul(a, b),
      1e-5,
    );
  });

  it('a zero-sized output of rank 40 builds no kernel', async () => {
    const shape = new Array(40).fill(2);
    shape[17] = 0;
    await same([shape, [2]], (a, b) => d.add(a, b));
  });
});
