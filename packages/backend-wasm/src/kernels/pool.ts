/**
 * Pooling. Forward max and average pooling run on the module's XNNPACK operators (explicit pads; XNNPACK
 * ignores padding in both, which is the contract). The gradients run in TypeScript: the module's
 * MaxPoolGrad starts each window's running maximum at FLT_MIN (the smallest positive float) and keeps
 * the last maximum, so it routes gradients wrongly for negative windows and ties; its AvgPoolGrad
 * divides by the full window even where the window overlaps padding.
 */
import { ArgumentError, type Pool2DAttrs, ShapeError } from '@dendrite/core';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { checkInt, fmt } from '../validate.js';

export interface PoolGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pb: number;
  readonly pl: number;
  readonly pr: number;
  readonly oh: number;
  readonly ow: number;
}

function pair(op: string, what: string, v: unknown, min: number): [number, number] {
  if (!Array.isArray(v) || v.length !== 2)
    throw new ArgumentError(op, `${what} ${JSON.stringify(v)} must be a pair`);
  return [checkInt(op, what, v[0], min), checkInt(op, what, v[1], min)];
}

export function poolGeometry(op: string, xShape: readonly number[], attrs: Pool2DAttrs): PoolGeometry {
  if (xShape.length !== 4) throw new ShapeError(op, `expected x [N, H, W, C], got ${fmt(xShape)}`);
  if (!attrs || typeof attrs !== 'object') throw new ArgumentError(op, 'missing pooling attributes');
  const [kh, kw] = pair(op, 'window', attrs.window, 1);
  const [sh, sw] = pair(op, 'strides', attrs.strides, 1);
  if (!Array.isArray(attrs.pads) || attrs.pads.length !== 2)
    throw new ArgumentError(op, `pads ${JSON.stringify(attrs.pads)} must be [[top, bottom], [left, right]]`);
  const [pt, pb] = pair(op, 'pads', attrs.pads[0], 0);
  const [pl, pr] = pair(op, 'pads', attrs.pads[1], 0);
  if (pt >= kh || pb >= kh || pl >= kw || pr >= kw) {
    throw new ArgumentError(
      op,
      `pads ${JSON.stringify(attrs.pads)} must be smaller than the window ${kh}x${kw}`,
    );
  }
  const [n, h, w, c] = xShape;
  if (h + pt + pb < kh || w + pl + pr < kw) {
    throw new ShapeError(op, `the window ${kh}x${kw} is larger than the padded input of x ${fmt(xShape)}`);
  }
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  return { n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr, oh, ow };
}

function hasNaN(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) return true;
  return false;
}

/** Max (NaN wins, padding never does) or average over the non-padding elements of each window. */
function poolTs(op: 'max' | 'avg', x: Float32Array, g: PoolGeometry, y: Float32Array): void {
  let o = 0;
  for (let b = 0; b < g.n; b++) {
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        for (let ch = 0; ch < g.c; ch++) {
          let acc = op === 'max' ? -Infinity : 0;
          let count = 0;
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * g.sh + ky - g.pt;
            if (iy < 0 || iy >= g.h) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = ox * g.sw + kx - g.pl;
              if (ix < 0 || ix >= g.w) continue;
              const v = x[((b * g.h + iy) * g.w + ix) * g.c + ch];
              if (op === 'avg') acc += v;
              else if (acc === acc && (v > acc || v !== v)) acc = v; // once NaN, stays NaN
              count++;
            }
          }
          y[o++] = op === 'max' ? acc : count > 0 ? acc / count : 0;
        }
      }
    }
  }
}

export function pool2dKernel(
  k: KernelScope,
  op: 'max' | 'avg',
  x: WasmData,
  g: PoolGeometry,
  out: WasmData,
): void {
  if (out.size === 0) return;
  if (g.h * g.w === 0) {
    // Every window is padding only (an empty image): max is -Infinity, an average of nothing 0.
    k.f32(out).fill(op === 'max' ? -Infinity : 0);
    return;
  }
  const xs = k.f32(x);
  if (hasNaN(xs)) {
    // XNNPACK's MaxPool drops NaN and its AvgPool turns it into -Infinity; PyTorch propagates it.
    poolTs(op, xs, g, k.f32(out));
    return;
  }
  const work = out.size * g.kh * g.kw;
  if (op === 'max') {
    k.callSized(
      work,
      'MaxPool',
      x.cid,
      g.n,
      g.h,
      g.w,
      g.kh,
      g.kw,
      g.pt,
      g.pr,
      g.pb,
      g.pl,
      1,
      1,
      g.sh,
      g.sw,
      g.c,
      g.c,
      out.cid,
    );
  } else {
    k.callSized(
      work,
      'AvgPool',
      x.cid,
      g.n,
      g.h,
      g.w,
      g.kh,
      g.kw,
      g.pt,
      g.pr,
      g.pb,
      g.pl,
      g.sh,
      g.sw,
      g.c,
      out.cid,
    );
  }
}

/** Each dy goes to the first maximum of its window in row-major order (padding never wins; the first NaN does). */
export function maxPool2dGradKernel(
  dy: Float32Array,
  x: Float32Array,
  g: PoolGeometry,
  dx: Float32Array,
): void {
  const { n, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow } = g;
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  dx.fill(0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const y0 = Math.max(0, y * sh - pt);
      const y1 = Math.min(h, y * sh - pt + kh);
      for (let xo = 0; xo < ow; xo++) {
        const x0 = Math.max(0, xo * sw - pl);
        const x1 = Math.min(w, xo * sw - pl + kw);
        at.fill(-1);
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch];
              const cur = best[ch];
              if (at[ch] < 0 || v > cur || (Number.isNaN(v) && !Number.isNaN(cur))) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        const dyBase = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) if (at[ch] >= 0) dx[at[ch]] += dy[dyBase + ch];
      }
    }
}

/** Each dy is spread evenly over its window's non-padding elements. */
export function avgPool2dGradKernel(dy: Float32Array, g: PoolGeometry, dx: Float32Array): void {
  const { n, h, w, c, sh, sw, kh, kw, pt, pl, oh, ow } = g;
  dx.fill(0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const y0 = Math.max(0, y * sh - pt);
      const y1 = Math.min(h, y * sh - pt + kh);
      for (let xo = 0; xo < ow; xo++) {
        const x0 = Math.max(0, xo * sw - pl);
        const x1 = Math.min(w, xo * sw - pl + kw);
        const count = (y1 - y0) * (x1 - x0);
        if (count <= 0) continue;
        const dyBase = ((b * oh + y) * ow + xo) * c;
        const inv = 1 / count;
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) dx[base + ch] += dy[dyBase + ch] * inv;
          }
      }
    }
}
