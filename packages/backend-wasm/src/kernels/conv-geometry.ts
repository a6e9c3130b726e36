/** The numbers of one NHWC convolution, resolved once and checked against every shape involved. */
import { ArgumentError, type Conv2DAttrs, ShapeError } from '@dendrite/core';
import { checkInt, fmt } from '../validate.js';

export interface ConvGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly kh: number;
  readonly kw: number;
  /** Input channels per group (the filter's third axis). */
  readonly cinG: number;
  readonly cout: number;
  readonly oh: number;
  readonly ow: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly pt: number;
  readonly pb: number;
  readonly pl: number;
  readonly pr: number;
  readonly groups: number;
}

function pair(op: string, what: string, v: unknown, min: number): [number, number] {
  if (!Array.isArray(v) || v.length !== 2)
    throw new ArgumentError(op, `${what} ${JSON.stringify(v)} must be a pair`);
  return [checkInt(op, what, v[0], min), checkInt(op, what, v[1], min)];
}

/** Validates `attrs` against the input and filter shapes and returns the geometry (output size included). */
export function convGeometry(
  op: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Conv2DAttrs,
): ConvGeometry {
  if (xShape.length !== 4 || filterShape.length !== 4) {
    throw new ShapeError(
      op,
      `expected x [N, H, W, C] and filter [kh, kw, in, out], got ${fmt(xShape)} and ${fmt(filterShape)}`,
    );
  }
  if (!attrs || typeof attrs !== 'object') throw new ArgumentError(op, 'missing convolution attributes');
  const [sh, sw] = pair(op, 'strides', attrs.strides, 1);
  const [dh, dw] = pair(op, 'dilations', attrs.dilations, 1);
  if (!Array.isArray(attrs.pads) || attrs.pads.length !== 2)
    throw new ArgumentError(op, `pads ${JSON.stringify(attrs.pads)} must be [[top, bottom], [left, right]]`);
  const [pt, pb] = pair(op, 'pads', attrs.pads[0], 0);
  const [pl, pr] = pair(op, 'pads', attrs.pads[1], 0);
  const groups = checkInt(op, 'groups', attrs.groups, 1);
  const [n, h, w, cin] = xShape;
  const [kh, kw, cinG, cout] = filterShape;
  if (kh < 1 || kw < 1) throw new ShapeError(op, `filter ${fmt(filterShape)} has an empty window`);
  if (cin % groups !== 0 || cout % groups !== 0 || cinG * groups !== cin) {
    throw new ShapeError(
      op,
      `filter ${fmt(filterShape)} with groups ${groups} does not fit x ${fmt(xShape)} (need in × groups = channels, out divisible by groups)`,
    );
  }
  const spanH = (kh - 1) * dh + 1;
  const spanW = (kw - 1) * dw + 1;
  const paddedH = h + pt + pb;
  const paddedW = w + pl + pr;
  if (paddedH < spanH || paddedW < spanW) {
    throw new ShapeError(
      op,
      `the window ${kh}x${kw} (dilation ${dh}x${dw}) does not fit the padded input ${paddedH}x${paddedW}`,
    );
  }
  const oh = Math.floor((paddedH - spanH) / sh) + 1;
  const ow = Math.floor((paddedW - spanW) / sw) + 1;
  return { n, h, w, cin, kh, kw, cinG, cout, oh, ow, sh, sw, dh, dw, pt, pb, pl, pr, groups };
}

/** True when the convolution has no work (an empty batch, image or channel axis). */
export function isEmpty(g: ConvGeometry): boolean {
  return g.n * g.h * g.w * g.cin * g.cout * g.oh * g.ow === 0;
}
