// Bad layer arguments and inputs get a typed error naming the layer (kind and name), and, when an op
// inside the layer raised it, that op too — never a silent result or a RangeError.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as L from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

type ErrorClass = new (op: string, message: string) => d.DendriteError;
const x = (shape: number[]) => d.zeros(shape);

/** Builds a layer, runs it on zeros of `shape`, and disposes it whatever happens. */
const fwd =
  (make: () => L.Module, shape: number[], dtype: d.DType = 'float32') =>
  () => {
    const m = make();
    try {
      return m.forward(d.zeros(shape, dtype));
    } finally {
      m.dispose();
    }
  };

const CASES: readonly [string, ErrorClass, string, () => unknown][] = [
  ['Dense inFeatures 0', d.ArgumentError, "Dense 'fc'", () => new L.Dense(0, 3, { name: 'fc' })],
  ['Dense inFeatures NaN', d.ArgumentError, 'Dense', () => new L.Dense(Number.NaN, 3)],
  ['Dense input width', d.ShapeError, "Dense 'fc'", fwd(() => new L.Dense(4, 3, { name: 'fc' }), [2, 5])],
  ['Dense int input', d.DTypeError, 'Dense', fwd(() => new L.Dense(4, 3), [2, 4], 'int32')],
  ['Conv2D stride 0', d.ArgumentError, 'Conv2D', () => new L.Conv2D(1, 2, 3, { strides: 0 })],
  ['Conv2D stride NaN', d.ArgumentError, 'Conv2D', () => new L.Conv2D(1, 2, 3, { strides: Number.NaN })],
  [
    'Conv2D channels',
    d.ShapeError,
    "Conv2D 'c1'",
    fwd(() => new L.Conv2D(3, 2, 3, { name: 'c1' }), [1, 5, 5, 2]),
  ],
  ['Conv2D rank', d.ShapeError, 'Conv2D', fwd(() => new L.Conv2D(1, 2, 3), [5, 5, 1])],
  ['Conv2D window too large', d.ShapeError, 'Conv2D', fwd(() => new L.Conv2D(1, 2, 5), [1, 3, 3, 1])],
  ['BatchNorm eps -1', d.ArgumentError, 'BatchNorm', () => new L.BatchNorm(3, { eps: -1 })],
  ['BatchNorm momentum 2', d.ArgumentError, 'BatchNorm', () => new L.BatchNorm(3, { momentum: 2 })],
  ['BatchNorm channels', d.ShapeError, 'BatchNorm', fwd(() => new L.BatchNorm(3), [2, 4])],
  ['LayerNorm eps NaN', d.ArgumentError, 'LayerNorm', () => new L.LayerNorm(3, { eps: Number.NaN })],
  ['Dropout rate 1', d.ArgumentError, 'Dropout', () => new L.Dropout(1)],
  ['MaxPool2D window 0', d.ArgumentError, 'MaxPool2D', () => new L.MaxPool2D(0)],
  ['MaxPool2D rank', d.ShapeError, 'MaxPool2D', fwd(() => new L.MaxPool2D(2), [4, 4, 1])],
  ['Reshape two -1', d.ArgumentError, 'Reshape', () => new L.Reshape([-1, -1])],
  ['Reshape size', d.ShapeError, 'Reshape', fwd(() => new L.Reshape([5]), [2, 3])],
  ['LSTM hidden 0', d.ArgumentError, 'LSTM', () => new L.LSTM(3, 0)],
  ['LSTM features', d.ShapeError, 'LSTM', fwd(() => new L.LSTM(3, 2), [1, 4, 5])],
  ['Embedding dim 0', d.ArgumentError, 'Embedding', () => new L.Embedding(10, 0)],
  [
    'Sequential inner layer',
    d.ShapeError,
    "Dense 'b'",
    fwd(() => new L.Sequential([new L.Dense(4, 3, { name: 'a' }), new L.Dense(4, 2, { name: 'b' })]), [1, 4]),
  ],
  [
    'meanSquaredError shapes',
    d.ShapeError,
    'meanSquaredError',
    () => L.meanSquaredError(x([2, 3]), x([3, 2])),
  ],
  ['crossEntropy shapes', d.ShapeError, 'crossEntropy', () => L.crossEntropy(x([2, 3]), x([2, 4]))],
];

describe('layer and loss errors name the layer', () => {
  for (const [name, cls, label, call] of CASES) {
    it(name, async () => {
      await expectNoLeak(() => {
        let err: unknown;
        try {
          d.tidy(() => {
            call();
          });
        } catch (e) {
          err = e;
        }
        expect(err, `${name}: returned a result`).toBeInstanceOf(cls);
        const e = err as d.DendriteError;
        expect(e.message.startsWith(`${label}`), e.message).toBe(true);
        expect(e.message).not.toMatch(/\bnull\b/);
      });
    });
  }
});
