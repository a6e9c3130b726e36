import type { Conv2DAttrs, Pads2D } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// The kit's loops (what backend-cpu runs), called by shapes as the kernels are.
function conv2d(
  x: Float32Array,
  xs: number[],
  f: Float32Array,
  fs: number[],
  attrs: Conv2DAttrs,
  ys: number[],
) {
  const y = new Float32Array(prod(ys));
  kit.conv2d(x, f, kit.convGeometry(xs, fs, attrs), y);
  return y;
}
function conv2dBackpropInput(
  dy: Float32Array,
  _ys: number[],
  f: Float32Array,
  fs: number[],
  attrs: Conv2DAttrs,
  xs: number[],
) {
  const dx = new Float32Array(prod(xs));
  kit.conv2dBackpropInput(dy, f, kit.convGeometry(xs, fs, attrs), dx);
  return dx;
}
function conv2dBackpropFilter(
  x: Float32Array,
  xs: number[],
  dy: Float32Array,
  _ys: number[],
  attrs: Conv2DAttrs,
  fs: number[],
) {
  const df = new Float32Array(prod(fs));
  kit.conv2dBackpropFilter(x, dy, kit.convGeometry(xs, fs, attrs), df);
  return df;
}

/** Deterministic U(-1, 1) values (mulberry32), so a failure reproduces. */
function random(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

const prod = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

const toPads2D = ([top, bottom, left, right]: number[]): Pads2D => [
  [top, bottom],
  [left, right],
];

interface Case {
  x: number[];
  /** [kh, kw] */
  k: [number, number];
  cout: number;
  strides?: [number, number];
  /** [top, bottom, left, right] */
  pads?: [number, number, number, number];
  dilations?: [number, number];
  groups?: number;
}

function shapes(c: Case) {
  const attrs: Conv2DAttrs = {
    strides: c.strides ?? [1, 1],
    pads: toPads2D(c.pads ?? [0, 0, 0, 0]),
    dilations: c.dilations ?? [1, 1],
    groups: c.groups ?? 1,
  };
  const [n, h, w, cin] = c.x;
  const [kh, kw] = c.k;
  const [[top, bottom], [left, right]] = attrs.pads;
  const oh = Math.floor((h + top + bottom - (kh - 1) * attrs.dilations[0] - 1) / attrs.strides[0]) + 1;
  const ow = Math.floor((w + left + right - (kw - 1) * attrs.dilations[1] - 1) / attrs.strides[1]) + 1;
  return { attrs, xShape: c.x, fShape: [kh, kw, cin / attrs.groups, c.cout], yShape: [n, oh, ow, c.cout] };
}

/**
 * Calls `visit(xIndex, fIndex, yIndex)` for every multiply-add of the convolution, straight from the
 * definition: y[n, oy, ox, o] += x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, g*Cg + ci] * f[ky, kx, ci, o]
 * with g = floor(o / Og). All three references below are this one loop.
 */
function forEachTerm(
  xShape: number[],
  fShape: number[],
  yShape: number[],
  attrs: Conv2DAttrs,
  visit: (xi: number, fi: number, yi: number) => void,
): void {
  const [batch, h, w, c] = xShape;
  const [kh, kw, cg, o] = fShape;
  const [, oh, ow] = yShape;
  const og = o / attrs.groups;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let oc = 0; oc < o; oc++) {
          const g = Math.floor(oc / og);
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * attrs.strides[0] - attrs.pads[0][0] + ky * attrs.dilations[0];
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * attrs.strides[1] - attrs.pads[1][0] + kx * attrs.dilations[1];
              if (ix < 0 || ix >= w) continue;
              for (let ci = 0; ci < cg; ci++) {
                visit(
                  ((n * h + iy) * w + ix) * c + g * cg + ci,
                  ((ky * kw + kx) * cg + ci) * o + oc,
                  ((n * oh + oy) * ow + ox) * o + oc,
                );
              }
            }
          }
        }
      }
    }
  }
}

/** A float64 reference being summed, with the sum of |terms| of each element as its error scale. */
function accumulate(size: number) {
  return { sum: new Float64Array(size), scale: new Float64Array(size) };
}

function expectClose(
  actual: Float32Array,
  ref: { sum: Float64Array; scale: Float64Array },
  what: string,
): void {
  expect(actual.length, what).toBe(ref.sum.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-6 * ref.scale[i] + 1e-7;
    if (!(Math.abs(actual[i] - ref.sum[i]) <= tol)) {
      expect.fail(`${what} element ${i}: ${actual[i]} vs ${ref.sum[i]} (tolerance ${tol})`);
    }
  }
}

function check(c: Case, seed = 1): void {
  const { attrs, xShape, fShape, yShape } = shapes(c);
  const x = random(prod(xShape), seed);
  const f = random(prod(fShape), seed + 1);
  const dy = random(prod(yShape), seed + 2);
  const y = accumulate(prod(yShape));
  const dx = accumulate(prod(xShape));
  const df = accumulate(prod(fShape));
  forEachTerm(xShape, fShape, yShape, attrs, (xi, fi, yi) => {
    y.sum[yi] += x[xi] * f[fi];
    y.scale[yi] += Math.abs(x[xi] * f[fi]);
    dx.sum[xi] += dy[yi] * f[fi];
    dx.scale[xi] += Math.abs(dy[yi] * f[fi]);
    df.sum[fi] += x[xi] * dy[yi];
    df.scale[fi] += Math.abs(x[xi] * dy[yi]);
  });
  expectClose(conv2d(x, xShape, f, fShape, attrs, yShape), y, 'conv2d');
  expectClose(conv2dBackpropInput(dy, yShape, f, fShape, attrs, xShape), dx, 'backprop input');
  expectClose(conv2dBackpropFilter(x, xShape, dy, yShape, attrs, fShape), df, 'backprop filter');
}

const same3: Case['pads'] = [1, 1, 1, 1];

describe('conv2d kernels against the float64 definition', () => {
  const cases: [string, Case][] = [
    ['valid 3x3', { x: [2, 7, 6, 3], k: [3, 3], cout: 5 }],
    ['same 3x3', { x: [2, 5, 5, 4], k: [3, 3], cout: 6, pads: same3 }],
    ['1x1 pointwise', { x: [2, 5, 3, 7], k: [1, 1], cout: 9 }],
    ['1x1 stride 2', { x: [1, 7, 7, 3], k: [1, 1], cout: 4, strides: [2, 2] }],
    ['1x1 padded', { x: [1, 3, 3, 2], k: [1, 1], cout: 3, pads: same3 }],
    [
      'stride 2 asymmetric same',
      { x: [2, 8, 8, 3], k: [3, 3], cout: 4, strides: [2, 2], pads: [0, 1, 0, 1] },
    ],
    ['stride 2 odd input', { x: [1, 9, 7, 2], k: [3, 3], cout: 3, strides: [2, 2], pads: same3 }],
    ['stride 3', { x: [2, 10, 11, 2], k: [3, 2], cout: 3, strides: [3, 3], pads: [2, 0, 1, 2] }],
    ['rectangular stride 2x1', { x: [1, 9, 8, 3], k: [3, 2], cout: 4, strides: [2, 1] }],
    ['dilation 2 valid', { x: [1, 9, 9, 2], k: [3, 3], cout: 3, dilations: [2, 2] }],
    ['dilation 2 same', { x: [2, 7, 8, 3], k: [3, 3], cout: 2, dilations: [2, 2], pads: [2, 2, 2, 2] }],
    ['dilation 2x1, stride 2', { x: [1, 11, 9, 2], k: [2, 3], cout: 3, dilations: [2, 1], strides: [2, 2] }],
    ['asymmetric explicit pads', { x: [1, 5, 6, 2], k: [3, 3], cout: 3, pads: [2, 0, 0, 3] }],
    ['pads wider than the kernel', { x: [1, 3, 3, 2], k: [2, 2], cout: 2, pads: [3, 2, 2, 3] }],
    ['kernel as large as the input', { x: [2, 4, 5, 3], k: [4, 5], cout: 2 }],
    ['5x5 single channel (LeNet)', { x: [3, 12, 12, 1], k: [5, 5], cout: 6, pads: [2, 2, 2, 2] }],
    ['size-1 everything', { x: [1, 1, 1, 1], k: [1, 1], cout: 1 }],
    ['groups 2', { x: [2, 6, 5, 4], k: [3, 3], cout: 6, groups: 2, pads: same3 }],
    [
      'groups 3, stride 2',
      { x: [1, 7, 7, 6], k: [3, 3], cout: 3, groups: 3, strides: [2, 2], pads: [0, 1, 1, 1] },
    ],
    ['groups 2 pointwise', { x: [2, 4, 4, 6], k: [1, 1], cout: 4, groups: 2 }],
    ['depthwise', { x: [2, 6, 7, 5], k: [3, 3], cout: 5, groups: 5, pads: same3 }],
    ['depthwise multiplier 2', { x: [2, 6, 5, 3], k: [3, 3], cout: 6, groups: 3, pads: same3 }],
    [
      'depthwise m2 stride 2 asymmetric',
      { x: [1, 8, 8, 4], k: [3, 3], cout: 8, groups: 4, strides: [2, 2], pads: [0, 1, 0, 1] },
    ],
    [
      'depthwise dilation 2',
      { x: [1, 8, 9, 3], k: [3, 3], cout: 3, groups: 3, dilations: [2, 2], pads: [1, 2, 2, 1] },
    ],
    ['depthwise 1x1 multiplier 3', { x: [1, 3, 4, 2], k: [1, 1], cout: 6, groups: 2 }],
    // K = 360: several im2col chunks of pixels, and two gemm depth blocks
    ['several chunks', { x: [2, 20, 20, 40], k: [3, 3], cout: 5, pads: same3 }],
    ['several chunks, groups 2', { x: [2, 20, 20, 80], k: [3, 3], cout: 4, groups: 2, strides: [2, 1] }],
    ['deep K', { x: [1, 6, 6, 40], k: [3, 3], cout: 7, pads: same3 }],
  ];
  for (const [name, c] of cases) {
    it(name, () => check(c));
  }

  it('handles size-0 dimensions', () => {
    check({ x: [0, 5, 5, 2], k: [3, 3], cout: 3, pads: same3 });
    check({ x: [2, 0, 0, 2], k: [3, 3], cout: 3, pads: same3 });
    check({ x: [2, 4, 4, 2], k: [3, 3], cout: 0, pads: same3 });
    check({ x: [2, 4, 4, 0], k: [3, 3], cout: 3, pads: same3 });
    check({ x: [2, 4, 4, 0], k: [1, 1], cout: 3 });
    check({ x: [1, 2, 2, 2], k: [3, 3], cout: 2 }); // output 0x0: kernel larger than the input
  });
});

describe('conv2d gradients are the adjoints of conv2d (property)', () => {
  const dot = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    let abs = 0;
    for (let i = 0; i < a.length; i++) {
      s += a[i] * b[i];
      abs += Math.abs(a[i] * b[i]);
    }
    return { s, abs };
  };

  it('<conv2d(x, f), dy> = <x, backpropInput(dy, f)> = <f, backpropFilter(x, dy)>', () => {
    const pad = fc.integer({ min: 0, max: 2 });
    const spec = fc
      .record({
        batch: fc.integer({ min: 1, max: 2 }),
        extraH: fc.integer({ min: 0, max: 6 }),
        extraW: fc.integer({ min: 0, max: 6 }),
        kh: fc.integer({ min: 1, max: 3 }),
        kw: fc.integer({ min: 1, max: 3 }),
        sh: fc.integer({ min: 1, max: 3 }),
        sw: fc.integer({ min: 1, max: 3 }),
        dh: fc.integer({ min: 1, max: 2 }),
        dw: fc.integer({ min: 1, max: 2 }),
        pads: fc.tuple(pad, pad, pad, pad),
        // groups 1..3 with cg input and og output channels each; cg = 1 with groups > 1 is depthwise
        groups: fc.integer({ min: 1, max: 3 }),
        cg: fc.integer({ min: 1, max: 3 }),
        og: fc.integer({ min: 1, max: 3 }),
        seed: fc.integer(),
      })
      .map((r) => {
        const [top, bottom, left, right] = r.pads;
        // the smallest input the (dilated) kernel fits in, plus extra
        const h = Math.max(0, (r.kh - 1) * r.dh + 1 - top - bottom) + r.extraH;
        const w = Math.max(0, (r.kw - 1) * r.dw + 1 - left - right) + r.extraW;
        const c: Case = {
          x: [r.batch, h, w, r.groups * r.cg],
          k: [r.kh, r.kw],
          cout: r.groups * r.og,
          strides: [r.sh, r.sw],
          pads: [top, bottom, left, right],
          dilations: [r.dh, r.dw],
          groups: r.groups,
        };
        return { c, seed: r.seed };
      });
    fc.assert(
      fc.property(spec, ({ c, seed }) => {
        const { attrs, xShape, fShape, yShape } = shapes(c);
        const x = random(prod(xShape), seed);
        const f = random(prod(fShape), seed + 1);
        const dy = random(prod(yShape), seed + 2);
        const viaY = dot(conv2d(x, xShape, f, fShape, attrs, yShape), dy);
        const viaX = dot(x, conv2dBackpropInput(dy, yShape, f, fShape, attrs, xShape));
        const viaF = dot(f, conv2dBackpropFilter(x, xShape, dy, yShape, attrs, fShape));
        const tol = 1e-5 * Math.max(viaY.abs, viaX.abs, viaF.abs) + 1e-6;
        expect(Math.abs(viaX.s - viaY.s)).toBeLessThanOrEqual(tol);
        expect(Math.abs(viaF.s - viaY.s)).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 300 },
    );
  });

  it('matches the float64 definition on random geometries', () => {
    const spec = fc.record({
      batch: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 3, max: 7 }),
      w: fc.integer({ min: 3, max: 7 }),
      k: fc.integer({ min: 1, max: 3 }),
      s: fc.integer({ min: 1, max: 3 }),
      d: fc.integer({ min: 1, max: 2 }),
      top: fc.integer({ min: 0, max: 2 }),
      left: fc.integer({ min: 0, max: 2 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cg: fc.integer({ min: 1, max: 3 }),
      og: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(spec, (r) => {
        fc.pre((r.k - 1) * r.d + 1 <= Math.min(r.h, r.w) + r.top + r.left);
        check(
          {
            x: [r.batch, r.h, r.w, r.groups * r.cg],
            k: [r.k, r.k],
            cout: r.groups * r.og,
            strides: [r.s, r.s],
            pads: [r.top, r.left, r.left, r.top],
            dilations: [r.d, r.d],
            groups: r.groups,
          },
          r.seed,
        );
      }),
      { numRuns: 100 },
    );
  });
});
