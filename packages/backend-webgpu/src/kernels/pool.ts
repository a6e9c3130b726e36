/**
 * Pooling (NHWC) and its gradients, one thread per element written. Windows are clipped to the image,
 * so padding never counts (max: -Infinity never wins; avg: not in the count). The gradients gather
 * rather than scatter: each input element sums what the windows containing it send it, so no atomics
 * are needed and results are deterministic.
 */
import type { Pool2DAttrs, PoolOp, Shape } from '@dendrite/core';
import { poolGeometry } from '@dendrite/core/kit';
import { grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP } from '../runtime/wgsl.js';

const POOL_UNIFORMS: UniformField[] = [
  'size',
  'H',
  'W',
  'C',
  'OH',
  'OW',
  'KH',
  'KW',
  'sh',
  'sw',
  'pt',
  'pl',
].map((name) => ({ name, kind: name === 'pt' || name === 'pl' ? ('i32' as const) : ('u32' as const) }));

function poolValues(x: Shape, attrs: Pool2DAttrs, size: number) {
  const g = poolGeometry(x, attrs);
  return {
    size,
    H: g.h,
    W: g.w,
    C: g.c,
    OH: g.oh,
    OW: g.ow,
    KH: g.kh,
    KW: g.kw,
    sh: g.sh,
    sw: g.sw,
    pt: g.pt,
    pl: g.pl,
  };
}

/** The clipped window of output (oy, ox): rows y0..y1, columns x0..x1 (exclusive ends). */
const WINDOW = /* wgsl */ `
fn window(oy: u32, ox: u32) -> vec4<i32> {
  let ys = i32(oy * u.sh) - u.pt;
  let xs = i32(ox * u.sw) - u.pl;
  return vec4<i32>(max(ys, 0), min(ys + i32(u.KH), i32(u.H)), max(xs, 0), min(xs + i32(u.KW), i32(u.W)));
}`;

export function pool2dProgram(op: PoolOp, x: Shape, attrs: Pool2DAttrs, y: Shape): Program {
  const size = y.reduce((p, v) => p * v, 1);
  const init = op === 'max' ? 'neg_inf()' : '0.0';
  const step =
    op === 'max'
      ? 'if (v > acc || is_nan(v) || is_nan(acc)) { acc = select(v, acc, is_nan(acc)); }'
      : 'acc += v;';
  const finish = op === 'max' ? 'acc' : 'acc / f32(max(1, (win.y - win.x) * (win.w - win.z)))';
  return {
    key: `pool2d:${op}`,
    uniforms: POOL_UNIFORMS,
    values: poolValues(x, attrs, size),
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: 'f32' },
        { name: 'Y', type: 'f32', write: true },
      ],
      POOL_UNIFORMS,
    )}
${WINDOW}
${MAIN_1D}
  if (i >= u.size) { return; }
  let c = i % u.C; let t = i / u.C;
  let ox = t % u.OW; let t2 = t / u.OW; let oy = t2 % u.OH; let n = t2 / u.OH;
  let win = window(oy, ox);
  var acc = ${init};
  for (var iy = win.x; iy < win.y; iy++) {
    for (var ix = win.z; ix < win.w; ix++) {
      let v = X[((n * u.H + u32(iy)) * u.W + u32(ix)) * u.C + c];
      ${step}
    }
  }
  Y[i] = ${finish};
}`,
  };
}

/** Output windows that contain input row `h`: first and last output index (inclusive), maybe empty. */
const COVER = /* wgsl */ `
fn cover(p: u32, pad: i32, k: u32, s: u32, outLen: u32) -> vec2<i32> {
  let q = i32(p) + pad;
  let lo = max(0, (q - i32(k) + i32(s)) / i32(s));
  let first = select(lo, 0, q - i32(k) + 1 <= 0);
  let last = min(i32(outLen) - 1, q / i32(s));
  return vec2<i32>(first, last);
}`;

export function poolGradProgram(op: PoolOp, _dy: Shape, attrs: Pool2DAttrs, dx: Shape): Program {
  const size = dx.reduce((p, v) => p * v, 1);
  const maxBody = `
      // Does the first maximum of this window sit at (h, w)?
      var best = neg_inf(); var by = -1; var bx = -1;
      for (var iy = win.x; iy < win.y; iy++) {
        for (var ix = win.z; ix < win.w; ix++) {
          let v = X[((n * u.H + u32(iy)) * u.W + u32(ix)) * u.C + c];
          if (by < 0 || v > best || (is_nan(v) && !is_nan(best))) { best = v; by = iy; bx = ix; }
        }
      }
      if (by == i32(h) && bx == i32(w)) { acc += g; }`;
  const avgBody = 'acc += g / f32(max(1, (win.y - win.x) * (win.w - win.z)));';
  const bindings =
    op === 'max'
      ? [
          { name: 'DY', type: 'f32' as const },
          { name: 'X', type: 'f32' as const },
          { name: 'Y', type: 'f32' as const, write: true },
        ]
      : [
          { name: 'DY', type: 'f32' as const },
          { name: 'Y', type: 'f32' as const, write: true },
        ];
  return {
    key: `poolGrad:${op}`,
    uniforms: POOL_UNIFORMS,
    values: poolValues(dx, attrs, size),
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(bindings, POOL_UNIFORMS)}
${WINDOW}
${COVER}
${MAIN_1D}
  if (i >= u.size) { return; }
  let c = i % u.C; let t = i / u.C;
  let w = t % u.W; let t2 = t / u.W; let h = t2 % u.H; let n = t2 / u.H;
  let ry = cover(h, u.pt, u.KH, u.sh, u.OH);
  let rx = cover(w, u.pl, u.KW, u.sw, u.OW);
  var acc = 0.0;
  for (var oy = ry.x; oy <= ry.y; oy++) {
    for (var ox = rx.x; ox <= rx.y; ox++) {
      let g = DY[((n * u.OH + u32(oy)) * u.OW + u32(ox)) * u.C + c];
      let win = window(u32(oy), u32(ox));
      ${op === 'max' ? maxBody : avgBody}
    }
  }
  Y[i] = acc;
}`,
  };
}
