import { ArgumentError, DTypeError, ShapeError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import {
  ArrayDataset,
  hostTensor,
  label,
  mapDataset,
  materialize,
  type Sample,
  Subset,
  stackSamples,
} from '../src/index.js';

const table = () =>
  new ArrayDataset(
    {
      x: hostTensor(
        Float32Array.from({ length: 12 }, (_, i) => i),
        [4, 3],
      ),
      y: hostTensor(Int32Array.of(0, 1, 0, 1), [4]),
    },
    { classes: ['a', 'b'] },
  );

describe('ArrayDataset', () => {
  it('gives sample i as views of row i of every column', () => {
    const ds = table();
    expect(ds.length).toBe(4);
    const s = ds.get(2);
    expect(s.x.shape).toEqual([3]);
    expect(Array.from(s.x.data)).toEqual([6, 7, 8]);
    expect(s.y.shape).toEqual([]);
    expect(Array.from(s.y.data)).toEqual([0]);
    expect(s.x.data.buffer).toBe(ds.columns.x.data.buffer); // no copy
    expect(ds.classes).toEqual(['a', 'b']);
  });

  it('iterates asynchronously in index order', async () => {
    const seen: number[] = [];
    for await (const s of table()) seen.push(s.x.data[0]);
    expect(seen).toEqual([0, 3, 6, 9]);
  });

  it('rejects columns of different lengths and bad indices, naming them', () => {
    expect(
      () =>
        new ArrayDataset({ x: hostTensor(new Float32Array(6), [3, 2]), y: hostTensor(new Int32Array(2)) }),
    ).toThrow(/ArrayDataset: .*x \[3, 2\], y \[2\]/);
    expect(() => new ArrayDataset({})).toThrow(ShapeError);
    expect(() => table().get(4)).toThrow(ArgumentError);
    expect(() => table().get(1.5)).toThrow(/index 1.5 is out of range for a data set of length 4/);
  });
});

describe('hostTensor and label', () => {
  it('check that data fills the shape', () => {
    expect(hostTensor(new Float32Array(6), [2, 3]).shape).toEqual([2, 3]);
    expect(() => hostTensor(new Float32Array(5), [2, 3])).toThrow(ShapeError);
    expect(() => hostTensor(new Float64Array(2) as unknown as Float32Array)).toThrow(ArgumentError);
    expect(label(3)).toEqual({ data: Int32Array.of(3), shape: [] });
    expect(() => label(0.5)).toThrow(ArgumentError);
  });
});

describe('stackSamples', () => {
  const s = (x: number[], y: number): Sample => ({ x: hostTensor(Float32Array.from(x)), y: label(y) });

  it('stacks each field along a new first axis', () => {
    const out = stackSamples([s([1, 2], 0), s([3, 4], 1)], 'test');
    expect(out.x.shape).toEqual([2, 2]);
    expect(Array.from(out.x.data)).toEqual([1, 2, 3, 4]);
    expect(out.y.data).toBeInstanceOf(Int32Array);
    expect(Array.from(out.y.data)).toEqual([0, 1]);
  });

  it('names the field and sample that do not match the first', () => {
    expect(() => stackSamples([s([1, 2], 0), s([3], 1)], 'loader')).toThrow(
      "loader: field 'x' of sample 1 has shape [1]; the first sample's is [2]",
    );
    expect(() =>
      stackSamples(
        [s([1], 0), { x: hostTensor(Float32Array.of(1)), y: hostTensor(Float32Array.of(1), []) }],
        'loader',
      ),
    ).toThrow(DTypeError);
    expect(() => stackSamples([s([1], 0), { x: hostTensor(Float32Array.of(1)) }], 'loader')).toThrow(
      /sample 1 has fields x; the first has x, y/,
    );
    expect(() => stackSamples([], 'loader')).toThrow(ShapeError);
  });
});

describe('Subset, mapDataset, materialize', () => {
  it('Subset reads the source at its indices', async () => {
    const sub = new Subset(table(), [3, 1]);
    expect(sub.length).toBe(2);
    expect(Array.from((await sub.get(0)).x.data)).toEqual([9, 10, 11]);
    expect(() => new Subset(table(), [4])).toThrow(ArgumentError);
    expect(() => sub.get(2)).toThrow(ArgumentError);
  });

  it('mapDataset applies a function to sync and async samples', async () => {
    const doubled = mapDataset(table(), (s, i) => ({ ...s, x: hostTensor(s.x.data.map((v) => 2 * v + i)) }));
    expect(Array.from((doubled.get(1) as Sample).x.data)).toEqual([7, 9, 11]);
    const asyncSource = {
      length: 2,
      get: async (i: number) => i,
      [Symbol.asyncIterator]: undefined as never,
    };
    expect(await mapDataset(asyncSource, (v) => v * 10).get(1)).toBe(10);
  });

  it('materialize stacks every sample of any data set into columns', async () => {
    const ds = await materialize(new Subset(table(), [2, 0]), { classes: ['a', 'b'] });
    expect(ds.columns.x.shape).toEqual([2, 3]);
    expect(Array.from(ds.columns.x.data)).toEqual([6, 7, 8, 0, 1, 2]);
    expect(Array.from(ds.columns.y.data)).toEqual([0, 0]);
    expect(ds.classes).toEqual(['a', 'b']);
  });
});
