// The kit's geometry: what every backend reads back from a kernel's shapes and attributes.
import { describe, expect, it } from 'vitest';
import { resolvePads, windowOutput } from '../src/kit/geometry/window.js';
import {
  collapseBroadcast,
  convGeometry,
  poolGeometry,
  reductionLayout,
  simplifyPermutation,
  splitAt,
  windowOutputSize,
} from '../src/kit/index.js';

describe('kit geometry', () => {
  it('collapses broadcasts to the fewest axes', () => {
    expect(
      collapseBroadcast(
        [8, 1, 32, 32],
        [
          [8, 1, 32, 32],
          [8, 1, 1, 1],
        ],
      ),
    ).toEqual({
      out: [8, 1024],
      operands: [
        [8, 1024],
        [8, 1],
      ],
    });
    expect(collapseBroadcast([4, 5, 6], [[4, 5, 6], [6]])).toEqual({
      out: [20, 6],
      operands: [
        [20, 6],
        [1, 6],
      ],
    });
    expect(
      collapseBroadcast(
        [4, 5, 6],
        [
          [4, 1, 6],
          [5, 1],
        ],
      ),
    ).toEqual({
      out: [4, 5, 6],
      operands: [
        [4, 1, 6],
        [1, 5, 1],
      ],
    });
    // Same size or one element: one axis.
    expect(collapseBroadcast([2, 3], [[2, 3], []])).toEqual({ out: [6], operands: [[6], [1]] });
    expect(collapseBroadcast([], [[], []])).toEqual({ out: [1], operands: [[1], [1]] });
  });

  it('lays reductions out as [outer, reduced, inner], with a permutation when the axes are apart', () => {
    expect(reductionLayout([2, 3, 4], [1])).toMatchObject({ perm: null, outer: 2, reduced: 3, inner: 4 });
    expect(reductionLayout([2, 3, 4], [0, 1])).toMatchObject({ perm: null, outer: 1, reduced: 6, inner: 4 });
    expect(reductionLayout([2, 3, 4], [0, 2])).toEqual({
      perm: [1, 0, 2],
      permuted: [3, 2, 4],
      outer: 3,
      reduced: 8,
      inner: 1,
    });
    expect(reductionLayout([2, 3], [])).toMatchObject({ perm: null, outer: 6, reduced: 1, inner: 1 });
    expect(splitAt([2, 3, 4], 1)).toEqual([2, 3, 4]);
    expect(splitAt([], 0)).toEqual([1, 1, 1]);
  });

  it('simplifies permutations (size-1 axes dropped, neighbours merged)', () => {
    expect(simplifyPermutation([8, 32, 32, 16], [0, 3, 1, 2])).toEqual({
      shape: [8, 1024, 16],
      perm: [0, 2, 1],
    });
    expect(simplifyPermutation([2, 1, 3], [1, 0, 2])).toEqual({ shape: [6], perm: [0] });
    expect(simplifyPermutation([2, 3, 4], [2, 1, 0])).toEqual({ shape: [2, 3, 4], perm: [2, 1, 0] });
  });

  it("computes a convolution's geometry with the output size core's validation uses", () => {
    const attrs = {
      strides: [2, 1] as const,
      pads: resolvePads('t', 'same', [9, 7], [3, 3], [2, 1], [1, 2]),
      dilations: [1, 2] as const,
      groups: 2,
    };
    const g = convGeometry([2, 9, 7, 4], [3, 3, 2, 6], attrs);
    expect([g.oh, g.ow]).toEqual(windowOutput('t', [2, 9, 7, 4], [3, 3], [2, 1], [1, 2], attrs.pads));
    expect([g.oh, g.ow]).toEqual([5, 7]);
    expect(g).toMatchObject({ n: 2, cin: 4, cinG: 2, cout: 6, coutG: 3, groups: 2, pointwise: false });
    expect(windowOutputSize(5, 3, 1, 1, 0, 0)).toBe(3);
    const p = poolGeometry([1, 5, 5, 3], {
      window: [2, 2],
      strides: [2, 2],
      pads: [
        [0, 1],
        [0, 1],
      ],
    });
    expect([p.oh, p.ow, p.c]).toEqual([3, 3, 3]);
  });
});
