import type { Pads2D, Pool2DAttrs } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// The kit's loops (what backend-cpu runs), called by shapes as the kernels are.
const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
function pool2d(
  op: 'max' | 'avg',
  x: Float32Array,
  xs: readonly number[],
  attrs: Pool2DAttrs,
  ys: readonly number[],
) {
  const y = new Float32Array(size(ys));
  kit.pool2d(op, x, kit.poolGeometry(xs, attrs), y);
  return y;
}
function maxPool2dGrad(
  dy: Float32Array,
  _ys: readonly number[],
  x: Float32Array,
  xs: readonly number[],
  attrs: Pool2DAttrs,
  _out: readonly number[],
) {
  const dx = new Float32Array(size(xs));
  kit.maxPool2dGrad(dy, x, kit.poolGeometry(xs, attrs), dx);
  return dx;
}
function avgPool2dGrad(dy: Float32Array, _ys: readonly number[], attrs: Pool2DAttrs, xs: readonly number[]) {
  const dx = new Float32Array(size(xs));
  kit.avgPool2dGrad(dy, kit.poolGeometry(xs, attrs), dx);
  return dx;
}

/** Deterministic values (mulberry32): U(-1, 1), or small integers when `levels` is given (many ties). */
function random(size: number, seed: number, levels = 0): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    out[i] = levels > 0 ? Math.floor(u * levels) : 2 * u - 1;
  }
  return out;
}

interface Case {
  x: number[];
  window: [number, number];
  strides?: [number, number];
  /** [top, bottom, left, right] */
  pads?: [number, number, number, number];
}

const toPads2D = ([top, bottom, left, right]: number[]): Pads2D => [
  [top, bottom],
  [left, right],
];

function shapes(c: Case) {
  const attrs: Pool2DAttrs = {
    window: c.window,
    strides: c.strides ?? c.window,
    pads: toPads2D(c.pads ?? [0, 0, 0, 0]),
  };
  const [n, h, w, ch] = c.x;
  const [[top, bottom], [left, right]] = attrs.pads;
  const oh = Math.floor((h + top + bottom - attrs.window[0]) / attrs.strides[0]) + 1;
  const ow = Math.floor((w + left + right - attrs.window[1]) / attrs.strides[1]) + 1;
  return { attrs, xShape: c.x, yShape: [n, oh, ow, ch] };
}

/**
 * The float64 definition: per output element, the x indices of its window's non-padding elements in
 * row-major window order.
 */
function windows(xShape: number[], yShape: number[], attrs: Pool2DAttrs): number[][] {
  const [batch, h, w, c] = xShape;
  const [, oh, ow] = yShape;
  const out: number[][] = [];
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          const members: number[] = [];
          for (let ky = 0; ky < attrs.window[0]; ky++) {
            for (let kx = 0; kx < attrs.window[1]; kx++) {
              const iy = oy * attrs.strides[0] - attrs.pads[0][0] + ky;
              const ix = ox * attrs.strides[1] - attrs.pads[1][0] + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) members.push(((n * h + iy) * w + ix) * c + ch);
            }
          }
          out.push(members);
        }
      }
    }
  }
  return out;
}

function check(c: Case, seed = 1, levels = 0): void {
  const { attrs, xShape, yShape } = shapes(c);
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const x = random(size(xShape), seed, levels);
  const dy = random(size(yShape), seed + 1);
  const wins = windows(xShape, yShape, attrs);

  const max = wins.map((m) => m.reduce((best, i) => Math.max(best, x[i]), Number.NEGATIVE_INFINITY));
  const avg = wins.map((m) => (m.length === 0 ? 0 : m.reduce((s, i) => s + x[i], 0) / m.length));
  const dxMax = new Float64Array(size(xShape));
  const dxAvg = new Float64Array(size(xShape));
  wins.forEach((m, o) => {
    // padding is -Infinity and never wins, so the first real element starts the search
    let arg = -1;
    for (const i of m) if (arg < 0 || x[i] > x[arg]) arg = i;
    if (arg >= 0) dxMax[arg] += dy[o];
    for (const i of m) dxAvg[i] += dy[o] / m.length;
  });

  const close = (actual: Float32Array, expected: ArrayLike<number>, what: string) => {
    expect(actual.length, what).toBe(expected.length);
    for (let i = 0; i < actual.length; i++) {
      const e = expected[i];
      const ok =
        e === Number.NEGATIVE_INFINITY
          ? actual[i] === e
          : Math.abs(actual[i] - e) <= 1e-6 * (1 + Math.abs(e));
      if (!ok) expect.fail(`${what} element ${i}: ${actual[i]} vs ${e}`);
    }
  };
  close(pool2d('max', x, xShape, attrs, yShape), max, 'max pool');
  close(pool2d('avg', x, xShape, attrs, yShape), avg, 'avg pool');
  close(maxPool2dGrad(dy, yShape, x, xShape, attrs, xShape), dxMax, 'max pool grad');
  close(avgPool2dGrad(dy, yShape, attrs, xShape), dxAvg, 'avg pool grad');
}

describe('pooling kernels against the float64 definition', () => {
  const cases: [string, Case][] = [
    ['2x2 stride 2 valid', { x: [2, 6, 6, 3], window: [2, 2] }],
    ['2x2 stride 2, odd input', { x: [1, 7, 5, 2], window: [2, 2] }],
    ['3x3 stride 1 same', { x: [2, 5, 6, 3], window: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }],
    [
      '3x3 stride 2 asymmetric same',
      { x: [1, 8, 8, 2], window: [3, 3], strides: [2, 2], pads: [0, 1, 0, 1] },
    ],
    ['3x3 stride 3 asymmetric', { x: [2, 10, 9, 2], window: [3, 3], strides: [3, 3], pads: [2, 0, 1, 2] }],
    ['rectangular window and strides', { x: [1, 9, 8, 3], window: [3, 2], strides: [2, 1] }],
    ['overlapping windows', { x: [1, 6, 6, 2], window: [3, 3], strides: [1, 2] }],
    ['window as large as the input (global)', { x: [3, 4, 5, 4], window: [4, 5] }],
    ['1x1 window', { x: [1, 3, 3, 2], window: [1, 1] }],
    ['size-1 everything', { x: [1, 1, 1, 1], window: [1, 1] }],
    // windows that lie wholly in the padding: max -Infinity, average 0, no gradient
    ['pads wider than the window', { x: [1, 2, 2, 1], window: [2, 2], strides: [2, 2], pads: [2, 2, 2, 0] }],
  ];
  for (const [name, c] of cases) {
    it(name, () => check(c));
  }

  it('sends the max-pool gradient to the first of tied maxima', () => {
    check({ x: [2, 7, 7, 3], window: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, 3, 2);
    check({ x: [1, 6, 6, 2], window: [2, 3], strides: [1, 1] }, 4, 3);
    const attrs: Pool2DAttrs = { window: [2, 2], strides: [2, 2], pads: toPads2D([0, 0, 0, 0]) };
    const dx = maxPool2dGrad(
      new Float32Array([5]),
      [1, 1, 1, 1],
      new Float32Array([1, 7, 7, 7]),
      [1, 2, 2, 1],
      attrs,
      [1, 2, 2, 1],
    );
    expect(Array.from(dx)).toEqual([0, 5, 0, 0]);
  });

  it('never lets -Infinity padding win over -Infinity inputs', () => {
    const attrs: Pool2DAttrs = { window: [2, 2], strides: [1, 1], pads: toPads2D([1, 0, 1, 0]) };
    const x = new Float32Array([Number.NEGATIVE_INFINITY, 1, 2, 3]);
    const y = pool2d('max', x, [1, 2, 2, 1], attrs, [1, 2, 2, 1]);
    expect(Array.from(y)).toEqual([Number.NEGATIVE_INFINITY, 1, 2, 3]);
    const dx = maxPool2dGrad(
      new Float32Array([1, 10, 100, 1000]),
      [1, 2, 2, 1],
      x,
      [1, 2, 2, 1],
      attrs,
      [1, 2, 2, 1],
    );
    expect(Array.from(dx)).toEqual([1, 10, 100, 1000]);
  });

  it('propagates NaN through max pooling', () => {
    const attrs: Pool2DAttrs = { window: [2, 2], strides: [2, 2], pads: toPads2D([0, 0, 0, 0]) };
    const y = pool2d('max', new Float32Array([1, Number.NaN, 3, 2]), [1, 2, 2, 1], attrs, [1, 1, 1, 1]);
    expect(y[0]).toBeNaN();
  });

  it('handles size-0 dimensions', () => {
    check({ x: [0, 4, 4, 2], window: [2, 2] });
    check({ x: [2, 4, 4, 0], window: [2, 2] });
    check({ x: [2, 1, 4, 2], window: [2, 2] }); // output height 0
  });

  it('matches on random geometries (property)', () => {
    const spec = fc.record({
      batch: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 8 }),
      w: fc.integer({ min: 1, max: 8 }),
      c: fc.integer({ min: 1, max: 4 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      pads: fc.tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 2 }))),
      levels: fc.constantFrom(0, 2, 3),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(spec, (r) => {
        const [top, bottom, left, right] = r.pads;
        fc.pre(r.h + top + bottom >= r.kh && r.w + left + right >= r.kw);
        check(
          {
            x: [r.batch, r.h, r.w, r.c],
            window: [r.kh, r.kw],
            strides: [r.sh, r.sw],
            pads: [top, bottom, left, right],
          },
          r.seed,
          r.levels,
        );
      }),
      { numRuns: 300 },
    );
  });
});
