/**
 * conv2d and both its gradients as implicit GEMMs on the GEMM template (one GEMM per group, the group
 * as the batch index): the loads compute the im2col addressing, so no patch matrix is materialised.
 *   forward:       M = N·OH·OW, N = Cout/g, K = kh·kw·Cin/g; A = patches of x, B = the filter
 *   input grad:    M = N·H·W,   N = Cin/g,  K = kh·kw·Cout/g; A = dy at the outputs that read (h, w)
 *   filter grad:   M = kh·kw·Cin/g, N = Cout/g, K = N·OH·OW; A = patches of x, transposed; B = dy
 * Depthwise forward (one input channel per group) has its own kernel: one thread per output, the
 * window in registers.
 */
import type { Conv2DAttrs, FusedActivation, Shape } from '@dendrite/core';
import { type ConvGeometry, convGeometry, isDepthwise } from '@dendrite/core/kit';
import { grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP } from '../runtime/wgsl.js';
import { gemmProgram } from './gemm.js';
import { activationExpr, MATH_FNS } from './math.js';

const CONV_UNIFORMS: UniformField[] = [
  'H',
  'W',
  'Cin',
  'OH',
  'OW',
  'Cout',
  'KH',
  'KW',
  'cinG',
  'coutG',
  'sh',
  'sw',
  'dh',
  'dw',
  'pt',
  'pl',
].map((name) => ({ name, kind: name === 'pt' || name === 'pl' ? ('i32' as const) : ('u32' as const) }));

function convValues(g: ConvGeometry) {
  return {
    H: g.h,
    W: g.w,
    Cin: g.cin,
    OH: g.oh,
    OW: g.ow,
    Cout: g.cout,
    KH: g.kh,
    KW: g.kw,
    cinG: g.cinG,
    coutG: g.coutG,
    sh: g.sh,
    sw: g.sw,
    dh: g.dh,
    dw: g.dw,
    pt: g.pt,
    pl: g.pl,
  };
}

/** x at (n, h, w, channel) with h, w signed; 0 outside the image. */
const X_AT = /* wgsl */ `
fn xAt(n: u32, h: i32, w: i32, ch: u32) -> f32 {
  if (h < 0 || w < 0 || h >= i32(u.H) || w >= i32(u.W)) { return 0.0; }
  return X[((n * u.H + u32(h)) * u.W + u32(w)) * u.Cin + ch];
}`;

export function conv2dProgram(
  x: Shape,
  filter: Shape,
  attrs: Conv2DAttrs,
  _y: Shape,
  bias: boolean,
  activation: FusedActivation,
): Program {
  const g = convGeometry(x, filter, attrs);
  const biasCode = bias ? 'v = v + Bias[co];' : '';
  const bindings = [
    { name: 'X', type: 'f32' as const },
    { name: 'F', type: 'f32' as const },
    ...(bias ? [{ name: 'Bias', type: 'f32' as const }] : []),
    { name: 'Y', type: 'f32' as const, write: true },
  ];
  if (isDepthwise(g)) return depthwiseProgram(g, bindings, biasCode, activation, bias);
  return gemmProgram({
    key: `conv2d:bias${bias}:${activation}`,
    bindings,
    uniforms: CONV_UNIFORMS,
    values: convValues(g),
    M: g.n * g.oh * g.ow,
    N: g.coutG,
    K: g.kh * g.kw * g.cinG,
    batches: attrs.groups,
    aKFast: true,
    bNFast: true,
    setup: 'group = batch;',
    functions: `${MATH_FNS}
var<private> group: u32;
${X_AT}
fn loadA(m: u32, k: u32) -> f32 {
  let ow = m % u.OW; let t = m / u.OW; let oh = t % u.OH; let n = t / u.OH;
  let c = k % u.cinG; let s = k / u.cinG; let kj = s % u.KW; let ki = s / u.KW;
  let h = i32(oh * u.sh + ki * u.dh) - u.pt;
  let w = i32(ow * u.sw + kj * u.dw) - u.pl;
  return xAt(n, h, w, group * u.cinG + c);
}
fn loadB(k: u32, n: u32) -> f32 { return F[k * u.Cout + group * u.coutG + n]; }
fn store(m: u32, n: u32, acc: f32) {
  let co = group * u.coutG + n;
  var v = acc;
  ${biasCode}
  Y[m * u.Cout + co] = ${activationExpr(activation, 'v')};
}`,
  });
}

function depthwiseProgram(
  g: ConvGeometry,
  bindings: readonly { name: string; type: 'f32'; write?: boolean }[],
  biasCode: string,
  activation: FusedActivation,
  bias: boolean,
): Program {
  const size = g.n * g.oh * g.ow * g.cout;
  const uniforms = [{ name: 'size', kind: 'u32' as const }, ...CONV_UNIFORMS];
  return {
    key: `depthwise:bias${bias}:${activation}`,
    uniforms,
    values: { ...convValues(g), size },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(bindings, uniforms)}
${MATH_FNS}
${X_AT}
${MAIN_1D}
  if (i >= u.size) { return; }
  let co = i % u.Cout; let t = i / u.Cout;
  let ow = t % u.OW; let t2 = t / u.OW; let oh = t2 % u.OH; let n = t2 / u.OH;
  let ch = co / u.coutG;
  var v = 0.0;
  for (var ki = 0u; ki < u.KH; ki++) {
    let h = i32(oh * u.sh + ki * u.dh) - u.pt;
    if (h < 0 || h >= i32(u.H)) { continue; } // padding is skipped (as backend-cpu), not multiplied
    for (var kj = 0u; kj < u.KW; kj++) {
      let w = i32(ow * u.sw + kj * u.dw) - u.pl;
      if (w < 0 || w >= i32(u.W)) { continue; }
      v += xAt(n, h, w, ch) * F[(ki * u.KW + kj) * u.Cout + co];
    }
  }
  ${biasCode}
  Y[i] = ${activationExpr(activation, 'v')};
}`,
  };
}

/** A gradient of conv2d: with respect to its input or to its filter. */
export type ConvGradient = 'input' | 'filter';

/** What sets each gradient's GEMM apart: its operands, its sizes and the loads that address them. */
interface GradientGemm {
  readonly key: string;
  readonly operands: readonly [string, string];
  readonly sizes: (g: ConvGeometry) => { M: number; N: number; K: number };
  readonly aKFast: boolean;
  readonly bNFast: boolean;
  readonly maskA: boolean;
  /** WGSL `loadA`, `loadB` and `store` (the group is the GEMM's batch). */
  readonly loads: string;
}

const GRADIENTS: Readonly<Record<ConvGradient, GradientGemm>> = {
  input: {
    key: 'conv2dBackpropInput',
    operands: ['DY', 'F'],
    sizes: (g) => ({ M: g.n * g.h * g.w, N: g.cinG, K: g.kh * g.kw * g.coutG }),
    aKFast: true,
    bNFast: false,
    maskA: true,
    loads: `fn loadA(m: u32, k: u32) -> f32 {
  let w = m % u.W; let t = m / u.W; let h = t % u.H; let n = t / u.H;
  let co = k % u.coutG; let s = k / u.coutG; let kj = s % u.KW; let ki = s / u.KW;
  let hs = i32(h) + u.pt - i32(ki * u.dh);
  let ws = i32(w) + u.pl - i32(kj * u.dw);
  // Taps no output reaches are absent terms (skipped), as in a scatter of dy through the filter.
  if (hs < 0 || ws < 0) { return absent(); }
  if (u32(hs) % u.sh != 0u || u32(ws) % u.sw != 0u) { return absent(); }
  let oh = u32(hs) / u.sh; let ow = u32(ws) / u.sw;
  if (oh >= u.OH || ow >= u.OW) { return absent(); }
  return DY[((n * u.OH + oh) * u.OW + ow) * u.Cout + group * u.coutG + co];
}
fn loadB(k: u32, n: u32) -> f32 {
  let co = k % u.coutG; let s = k / u.coutG;
  return F[(s * u.cinG + n) * u.Cout + group * u.coutG + co];
}
fn store(m: u32, n: u32, v: f32) { Y[m * u.Cin + group * u.cinG + n] = v; }`,
  },
  filter: {
    key: 'conv2dBackpropFilter',
    operands: ['X', 'DY'],
    sizes: (g) => ({ M: g.kh * g.kw * g.cinG, N: g.coutG, K: g.n * g.oh * g.ow }),
    aKFast: false,
    bNFast: true,
    maskA: false,
    loads: `${X_AT}
fn loadA(m: u32, k: u32) -> f32 {
  let c = m % u.cinG; let s = m / u.cinG; let kj = s % u.KW; let ki = s / u.KW;
  let ow = k % u.OW; let t = k / u.OW; let oh = t % u.OH; let n = t / u.OH;
  let h = i32(oh * u.sh + ki * u.dh) - u.pt;
  let w = i32(ow * u.sw + kj * u.dw) - u.pl;
  return xAt(n, h, w, group * u.cinG + c);
}
fn loadB(k: u32, n: u32) -> f32 { return DY[k * u.Cout + group * u.coutG + n]; }
fn store(m: u32, n: u32, v: f32) { Y[m * u.Cout + group * u.coutG + n] = v; }`,
  },
};

/**
 * The GEMM of one gradient of conv2d, one per group: `image` is the shape of x (or of dx, the input
 * gradient's output), `filter` that of the filter (or of df, the filter gradient's output).
 */
export function conv2dGradientProgram(
  which: ConvGradient,
  image: Shape,
  filter: Shape,
  attrs: Conv2DAttrs,
): Program {
  const spec = GRADIENTS[which];
  const g = convGeometry(image, filter, attrs);
  return gemmProgram({
    key: spec.key,
    bindings: [
      ...spec.operands.map((name) => ({ name, type: 'f32' as const })),
      { name: 'Y', type: 'f32', write: true },
    ],
    uniforms: CONV_UNIFORMS,
    values: convValues(g),
    ...spec.sizes(g),
    batches: attrs.groups,
    aKFast: spec.aKFast,
    bNFast: spec.bNFast,
    maskA: spec.maskA,
    setup: 'group = batch;',
    functions: `var<private> group: u32;\n${spec.loads}`,
  });
}
