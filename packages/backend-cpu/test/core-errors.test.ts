// Bad input gets a typed error naming the op, what it received and what it expected.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './helpers.js';

beforeAll(() => useCpu());

describe('typed errors', () => {
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    [
      'broadcast',
      () => d.add(d.zeros([2, 3]), d.zeros([4])),
      d.ShapeError,
      /^add: shapes \[2, 3\] and \[4\] cannot be broadcast/,
    ],
    [
      'dtype mix',
      () => d.add(d.zeros([2]), d.zeros([2], 'int32')),
      d.DTypeError,
      /^add: operands have dtypes float32\[2\] and int32\[2\]/,
    ],
    [
      'matmul inner',
      () => d.matmul(d.zeros([2, 3]), d.zeros([4, 5])),
      d.ShapeError,
      /^matmul: inner dimensions differ: \[2, 3\] @ \[4, 5\] gives K = 3 vs 4/,
    ],
    [
      'matmul int',
      () => d.matmul(d.zeros([2, 2], 'int32'), d.zeros([2, 2], 'int32')),
      d.DTypeError,
      /expected float32/,
    ],
    [
      'reshape',
      () => d.reshape(d.zeros([2, 3]), [4]),
      d.ShapeError,
      /^reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4\]/,
    ],
    [
      'axis',
      () => d.sum(d.zeros([2, 3]), 2),
      d.ArgumentError,
      /^sum: axis 2 is out of range for a tensor of rank 2/,
    ],
    [
      'conv channels',
      () => d.conv2d(d.zeros([1, 4, 4, 3]), d.zeros([3, 3, 2, 8])),
      d.ShapeError,
      /^conv2d: filter \[3, 3, 2, 8\] expects 2 input channels.*has 3/,
    ],
    [
      'conv rank',
      () => d.conv2d(d.zeros([4, 4, 3]), d.zeros([3, 3, 3, 8])),
      d.ShapeError,
      /^conv2d: expected x \[N, H, W, C\]/,
    ],
    [
      'conv window',
      () => d.conv2d(d.zeros([1, 2, 2, 1]), d.zeros([3, 3, 1, 1])),
      d.ShapeError,
      /larger than the padded input/,
    ],
    [
      'stride',
      () => d.conv2d(d.zeros([1, 4, 4, 1]), d.zeros([3, 3, 1, 1]), { strides: 0 }),
      d.ArgumentError,
      /strides 0 must be positive/,
    ],
    [
      'padding',
      () => d.conv2d(d.zeros([1, 4, 4, 1]), d.zeros([3, 3, 1, 1]), { padding: 'full' as never }),
      d.ArgumentError,
      /padding "full"/,
    ],
    [
      'where cond',
      () => d.where(d.zeros([2]), d.zeros([2]), d.zeros([2])),
      d.DTypeError,
      /^where: condition is float32\[2\]; expected bool/,
    ],
    ['log int', () => d.log(d.zeros([2], 'int32')), d.DTypeError, /^log: got int32\[2\]; expected float32/],
    [
      'gather indices',
      () => d.gather(d.zeros([3]), d.zeros([2])),
      d.DTypeError,
      /^gather: indices are float32\[2\]; expected int32/,
    ],
    [
      'gather range',
      () => d.gather(d.zeros([3]), d.tensor([5], [1], 'int32')),
      d.BackendError,
      /^gather: index 5 is out of range for an axis of size 3/,
    ],
    ['tensor ragged', () => d.tensor([[1, 2], [3]]), d.ShapeError, /ragged/],
    [
      'tensor size',
      () => d.tensor([1, 2, 3], [2, 2]),
      d.ShapeError,
      /^tensor: 3 values cannot fill shape \[2, 2\]/,
    ],
    [
      'concat',
      () => d.concat([d.zeros([2, 3]), d.zeros([3, 3])], 1),
      d.ShapeError,
      /^concat: shapes \[2, 3\], \[3, 3\] differ outside axis 1/,
    ],
    ['slice', () => d.slice(d.zeros([4]), [3], [2]), d.ArgumentError, /^slice: .*outside \[4\]/],
    [
      'transposeConv shape',
      () =>
        d.conv2dTranspose(d.zeros([1, 3, 3, 2]), d.zeros([3, 3, 4, 2]), [1, 9, 9, 4], {
          strides: 2,
          padding: 'same',
        }),
      d.ShapeError,
      /gives 5x5, not x's 3x3/,
    ],
    [
      'random parameters mistyped (an options object as the mean)',
      () => d.randomNormal([2, 2], { std: 0.1 } as unknown as number),
      d.ArgumentError,
      /^normal: mean must be a finite number, got object/,
    ],
    [
      'random std below zero',
      () => d.truncatedNormal([2], 0, -1),
      d.ArgumentError,
      /^truncatedNormal: std must be >= 0/,
    ],
    [
      'random uniform bounds',
      () => d.randomUniform([2], 1, 0),
      d.ArgumentError,
      /^uniform: needs low <= high, got 1, 0/,
    ],
    [
      'random NaN',
      () => new d.Rng(1).normal([2], Number.NaN),
      d.ArgumentError,
      /^normal: mean must be a finite number, got NaN/,
    ],
  ];
  it.each(cases)('%s', (_n, f, type, message) => {
    d.tidy(() => {
      expect(f).toThrowError(type);
      expect(f).toThrowError(message);
    });
  });

  it('refuses to mix tensors of two backends and moves them explicitly', async () => {
    await useCpu('cpu-other');
    const b = d.ones([2]);
    await useCpu('cpu');
    const a = d.ones([2]);
    expect(() => d.add(a, b)).toThrowError(d.BackendError);
    expect(() => d.add(a, b)).toThrowError(/inputs live on different backends \('cpu' and 'cpu-other'\)/);
    const moved = await b.to('cpu');
    expect(Array.from(await d.add(a, moved).data())).toEqual([2, 2]);
    d.dispose([a, b, moved]);
  });
});
