// Elementwise, reduction and layout kernels against backend-cpu, on the shapes that pick each path:
// XNNPACK binaries (rank <= 6 after collapsing) vs TypeScript, contiguous vs transposed reductions,
// compiled vs TypeScript transposes, int32 and bool dtypes.
import {
  add,
  argmax,
  argmin,
  castTo,
  concat,
  div,
  equal,
  exp,
  gather,
  greater,
  logicalXor,
  max,
  maximum,
  min,
  mul,
  neg,
  pad,
  pow,
  prod,
  round,
  scatterAdd,
  sigmoid,
  sign,
  slice,
  sqrt,
  sub,
  sum,
  type Tensor,
  tile,
  transpose,
  where,
} from '@dendrite/core';
import { beforeAll, describe, it } from 'vitest';
import { expectMatchesCpu, type Input, ints, randn, useWasm } from './helpers.js';

const W = 'wasm-elementwise';
beforeAll(() => useWasm(W));

const unaryOps: [string, (x: Tensor) => Tensor][] = [
  ['neg (XNNPACK)', neg],
  ['exp', exp],
  ['sigmoid (XNNPACK)', sigmoid],
  ['round half to even (XNNPACK)', round],
  ['sign', sign],
];

describe('elementwise', () => {
  for (const [name, f] of unaryOps) it(name, () => expectMatchesCpu(W, [randn([3, 5], 1)], f));

  it('sqrt of positives', () => expectMatchesCpu(W, [{ shape: [4], values: [0.25, 1, 2, 9] }], sqrt));

  it('round on halves', () =>
    expectMatchesCpu(W, [{ shape: [6], values: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5] }], round, {
      grads: false,
    }));

  const binaries: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', add],
    ['sub', sub],
    ['mul', mul],
    ['div', div],
    ['maximum', maximum],
  ];
  for (const [name, f] of binaries) {
    it(`${name}, broadcast (XNNPACK)`, () => expectMatchesCpu(W, [randn([2, 3, 4], 2), randn([3, 1], 3)], f));
    it(`${name}, rank 7 after collapsing (TypeScript)`, () =>
      expectMatchesCpu(W, [randn([2, 1, 2, 1, 2, 1, 2], 4), randn([1, 2, 1, 2, 1, 2, 1], 5)], f));
  }

  it('pow with a positive base', () =>
    expectMatchesCpu(W, [{ shape: [3], values: [0.5, 2, 3] }, randn([2, 3], 6)], pow));

  it('int32 arithmetic, division truncating toward zero', () =>
    expectMatchesCpu(W, [ints([4], [7, -7, 9, 5]), ints([4], [2, 2, -4, 5])], (a, b) =>
      add(div(a, b), mul(a, b)),
    ));

  it('compare, logical and where', () =>
    expectMatchesCpu(W, [randn([3, 4], 7), randn([4], 8)], (a, b) =>
      where(logicalXor(greater(a, b), equal(a, a)), a, mul(b, 2)),
    ));

  // Operands each whole or one element take the emitted where_32 (float32 and int32); bool stays on the kit.
  it('where with scalar branches, a scalar condition, int32 and bool', () =>
    expectMatchesCpu(W, [randn([5, 7], 9), randn([5, 7], 10)], (a, b) =>
      add(
        add(mul(a, where(greater(a, 0), 1, 0.2)), where(greater(b, a), a, 0.5)),
        add(
          where(greater(b, 0), -0, b),
          castTo(
            add(
              where(greater(a, b), castTo(a, 'int32'), 3),
              castTo(where(greater(a, 0), greater(b, 0), equal(a, b)), 'int32'),
            ),
            'float32',
          ),
        ),
      ),
    ));

  it('casts', () =>
    expectMatchesCpu(
      W,
      [{ shape: [5], values: [-1.7, -0.2, 0, 0.6, 2.5] }],
      (x) => add(castTo(castTo(x, 'int32'), 'float32'), castTo(castTo(x, 'bool'), 'float32')),
      { grads: false },
    ));
});

describe('reductions', () => {
  const x: Input = randn([3, 4, 5], 9);
  it('sum over trailing axes', () => expectMatchesCpu(W, [x], (t) => sum(t, [1, 2])));
  it('sum over leading axes (bias gradient)', () => expectMatchesCpu(W, [x], (t) => sum(t, [0, 1])));
  it('sum over non-contiguous axes (transposed first)', () =>
    expectMatchesCpu(W, [x], (t) => sum(t, [0, 2])));
  it('max and min', () => expectMatchesCpu(W, [x], (t) => add(max(t, [0, 2]), min(t, [0, 2], false))));
  it('prod', () => expectMatchesCpu(W, [x], (t) => prod(t, 2)));
  it('argmax / argmin along the middle axis', () =>
    expectMatchesCpu(W, [x], (t) => add(argmax(t, 1), argmin(t, 1)), { grads: false }));
  it('argmax takes the first NaN', () =>
    expectMatchesCpu(W, [{ shape: [2, 3], values: [1, Number.NaN, 3, 4, 4, 2] }], (t) => argmax(t, 1), {
      grads: false,
    }));
  it('empty reduction gives the identity', () =>
    expectMatchesCpu(W, [{ shape: [2, 0], values: [] }], (t) => add(sum(t, 1), prod(t, 1)), {
      grads: false,
    }));
});

describe('layout', () => {
  it('transpose rank 3 (compiled)', () =>
    expectMatchesCpu(W, [randn([2, 3, 4], 10)], (t) => transpose(t, [2, 0, 1])));
  it('transpose rank 5 (TypeScript)', () =>
    expectMatchesCpu(W, [randn([2, 3, 2, 3, 2], 11)], (t) => transpose(t, [4, 2, 0, 3, 1])));
  it('transpose int32', () =>
    expectMatchesCpu(W, [ints([2, 3], [1, 2, 3, 4, 5, 6])], (t) => transpose(t), { grads: false }));
  it('slice', () => expectMatchesCpu(W, [randn([4, 5, 6], 12)], (t) => slice(t, [1, 0, 2], [2, 5, 3])));
  it('concat', () =>
    expectMatchesCpu(W, [randn([2, 3], 13), randn([2, 1], 14), randn([2, 4], 15)], (a, b, c) =>
      concat([a, b, c], 1),
    ));
  it('pad float (XNNPACK) and int32', () =>
    expectMatchesCpu(W, [randn([2, 3], 16)], (t) =>
      add(
        pad(t, [
          [1, 0],
          [2, 1],
        ]),
        castTo(
          pad(castTo(t, 'int32'), [
            [1, 0],
            [2, 1],
          ]),
          'float32',
        ),
      ),
    ));
  it('pad with NaN', () =>
    expectMatchesCpu(
      W,
      [randn([2, 2], 17)],
      (t) =>
        pad(
          t,
          [
            [1, 1],
            [0, 1],
          ],
          Number.NaN,
        ),
      { grads: false },
    ));
  it('tile (expand)', () => expectMatchesCpu(W, [randn([2, 1, 3], 18)], (t) => tile(t, [2, 4, 1])));
  it('gather along axis 1 (gradient: scatterAdd with repeats)', () =>
    expectMatchesCpu(W, [randn([3, 4, 2], 19), ints([5], [3, 0, 3, 1, 3])], (x, i) => gather(x, i, 1)));
  it('scatterAdd', () =>
    expectMatchesCpu(W, [randn([2, 3], 20), ints([3], [1, 1, 0])], (u, i) => scatterAdd(u, i, 1, [2, 4])));
});
