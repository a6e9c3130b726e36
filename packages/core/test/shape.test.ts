import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../src/errors.js';
import { broadcastedAxes, broadcastShapes, normalizeAxes, normalizeAxis, stridesOf } from '../src/shape.js';

describe('shapes', () => {
  it('broadcasts NumPy-style both ways', () => {
    expect(broadcastShapes('t', [2, 3, 4], [3, 1])).toEqual([2, 3, 4]);
    expect(broadcastShapes('t', [4], [2, 3, 4])).toEqual([2, 3, 4]);
    expect(broadcastShapes('t', [], [5])).toEqual([5]);
    expect(broadcastShapes('t', [0, 1], [1, 3])).toEqual([0, 3]);
  });

  it('names the op and both shapes when broadcasting fails', () => {
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrowError(ShapeError);
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrowError(
      /add: shapes \[2, 3\] and \[4\] cannot be broadcast/,
    );
  });

  it('normalises negative and repeated axes', () => {
    expect(normalizeAxis('t', -1, 3)).toBe(2);
    expect(normalizeAxes('t', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('t', null, 2)).toEqual([0, 1]);
    expect(() => normalizeAxis('sum', 3, 3)).toThrowError(ArgumentError);
    expect(() => normalizeAxes('sum', [1, -2], 3)).toThrowError(/duplicate/);
  });

  it('finds the axes a gradient must be summed over', () => {
    expect(broadcastedAxes([3, 1], [2, 3, 4])).toEqual([0, 2]);
    expect(broadcastedAxes([4], [2, 3, 4])).toEqual([0, 1]);
    expect(broadcastedAxes([], [2, 3])).toEqual([0, 1]);
  });

  it('computes row-major strides', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
  });
});
