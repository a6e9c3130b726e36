// Edge shapes that the fixtures do not cover: scalars, size-0 and size-1 dims, int32 and bool data,
// inputs that come out of transpose/slice.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

describe('edge shapes', () => {
  it("a tensor owns its shape: changing the array it was made from, or another tensor's, changes nothing", async () => {
    await expectNoLeak(async () => {
      const dims = [2, 3];
      const x = d.zeros(dims);
      const r = d.reshape(x, dims.slice().reverse());
      const y = d.add(x, x); // equal shapes: broadcastShapes hands back x's array
      dims[0] = 7;
      (r.shape as number[])[0] = 9; // what a JavaScript caller could do; TypeScript refuses it
      expect(x.shape).toEqual([2, 3]);
      expect(y.shape).toEqual([2, 3]);
      expect(y.shape).not.toBe(x.shape);
      const rows = d.sum(y, 1);
      expect(await values(rows)).toEqual([0, 0]);
      for (const t of [x, r, y, rows]) t.dispose();
    });
  });

  it('scalars broadcast and reduce', async () => {
    await expectNoLeak(async () => {
      const y = d.tidy(() => d.sum(d.add(d.scalar(2), d.tensor([1, 2, 3]))));
      expect(y.shape).toEqual([]);
      expect(await y.item()).toBe(12);
      y.dispose();
    });
  });

  it('size-0 dimensions flow through elementwise, reductions and matmul', async () => {
    await expectNoLeak(async () => {
      await d.tidy(async () => {
        const e = d.zeros([0, 3]);
        expect(d.add(e, d.ones([3])).shape).toEqual([0, 3]);
        expect(await values(d.sum(e, 0))).toEqual([0, 0, 0]);
        expect(await values(d.max(e, 0))).toEqual([-Infinity, -Infinity, -Infinity]);
        expect(await values(d.matmul(d.zeros([2, 0]), d.zeros([0, 3])))).toEqual([0, 0, 0, 0, 0, 0]);
        expect(d.concat([e, d.ones([1, 3])]).shape).toEqual([1, 3]);
      });
    });
  });

  it('int32 arithmetic truncates division toward zero and keeps its dtype', async () => {
    await expectNoLeak(async () => {
      await d.tidy(async () => {
        const a = d.tensor([7, -7, 5], [3], 'int32');
        const q = d.div(a, d.tensor([2, 2, 0], [3], 'int32'));
        expect(q.dtype).toBe('int32');
        expect(await values(q)).toEqual([3, -3, 0]);
        expect(await values(d.abs(d.neg(a)))).toEqual([7, 7, 5]);
      });
    });
  });

  it('comparisons give bool; logical ops and where take it', async () => {
    await expectNoLeak(async () => {
      await d.tidy(async () => {
        const x = d.tensor([-1, 0, 2]);
        const pos = d.greater(x, 0);
        expect(pos.dtype).toBe('bool');
        expect(await pos.array()).toEqual([false, false, true]);
        expect(await d.logicalOr(pos, d.equal(x, 0)).array()).toEqual([false, true, true]);
        expect(await values(d.where(pos, x, d.neg(x)))).toEqual([1, -0, 2]); // neg(0) is -0
        expect(await values(d.castTo(d.tensor([1.7, -1.7]), 'int32'))).toEqual([1, -1]);
      });
    });
  });

  it('ops take the results of transpose and slice (non-contiguous views in other libraries)', async () => {
    await expectNoLeak(async () => {
      await d.tidy(async () => {
        const m = d.tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        const t = d.transpose(m);
        expect(await values(d.matmul(t, m))).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
        const s = d.slice(m, [0, 1], [2, 2]);
        expect(await values(d.sum(s, 0))).toEqual([7, 9]);
      });
    });
  });

  it('rounds half to even, like PyTorch and ONNX', async () => {
    await expectNoLeak(async () => {
      const r = d.tidy(() => d.round(d.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.4])));
      expect(await values(r)).toEqual([0, 2, 2, -0, -2, 2]);
      r.dispose();
    });
  });

  it('one-hot, tile, argmax and nested arrays', async () => {
    await expectNoLeak(async () => {
      await d.tidy(async () => {
        expect(await d.oneHot(d.tensor([2, 0], [2], 'int32'), 3).array()).toEqual([
          [0, 0, 1],
          [1, 0, 0],
        ]);
        expect(await d.tile(d.tensor([1, 2]), [2]).array()).toEqual([1, 2, 1, 2]);
        expect(
          await d
            .argmax(
              d.tensor([
                [1, 5, 2],
                [7, 0, 1],
              ]),
              1,
            )
            .array(),
        ).toEqual([1, 0]);
      });
    });
  });

  it('erf matches reference values', async () => {
    await expectNoLeak(async () => {
      const y = d.tidy(() => d.erf(d.tensor([0, 0.3, 1, -2, 3.5, 5])));
      // math.erf in float64
      const ref = [
        0, 0.3286267594591274, 0.8427007929497149, -0.9953222650189527, 0.9999992569016276,
        0.9999999999984626,
      ];
      for (const [i, v] of (await values(y)).entries()) expect(v).toBeCloseTo(ref[i], 6);
      y.dispose();
    });
  });
});

describe('fused kernels with unusual operands', () => {
  it('fusedMatmul takes any broadcastable bias (not only the last axis) and matches the unfused ops', async () => {
    await expectNoLeak(async () => {
      await d.tidy(async () => {
        const rng = new d.Rng(5);
        const a = rng.normal([2, 5, 3]);
        const b = rng.normal([4, 5]);
        const bias = rng.normal([2, 3, 4]);
        const opts = { transposeA: true, transposeB: true } as const;
        const fused = d.fusedMatmul(a, b, { bias, activation: 'relu', ...opts });
        const plain = d.relu(d.add(d.matmul(a, b, opts), bias));
        const [f, p] = [await values(fused), await values(plain)];
        expect(Math.max(...f.map((v, i) => Math.abs(v - p[i])))).toBeLessThan(1e-5);
      });
    });
  });
});
