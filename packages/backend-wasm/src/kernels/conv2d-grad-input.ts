/**
 * conv2d's input gradient. The module's Conv2DBackpropInput is a naive loop (about 14× slower than its
 * forward conv) without dilation, so it is not used:
 *
 * - stride 1, few channels (conv2d-grad-input-small.ts): the emitted direct loop over the taps inside dy;
 * - stride 1: dx is a forward convolution of dy with the filter flipped in space and its in/out channels
 *   swapped, run on XNNPACK (Conv2D, or DepthwiseConv2dNative for depthwise with multiplier 1);
 * - otherwise: the columns dy · Wᵀ come from the fast matmul and col2im adds them back into dx.
 *
 * Depthwise convolutions with a multiplier above 1 (and strided ones) use the direct loop of
 * the kit; other grouped convolutions run per group on channel slices.
 */
import { hasNonFinite } from '@dendrite/core';
import { type ConvGeometry, col2im, depthwiseBackpropInput, windowSpan } from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { xnnConv } from './conv2d.js';
import { smallChannelBackpropInput } from './conv2d-grad-input-small.js';
import { placeChannels, sliceChannels } from './layout.js';
import { matmulKernel, transposeLast2 } from './matmul.js';

/** Floats of dy · Wᵀ computed at once (16 MiB), so col2im's scratch stays bounded. */
const COL_CHUNK = 1 << 22;

export function conv2dBackpropInputKernel(
  k: KernelScope,
  dy: WasmData,
  filter: WasmData,
  g: ConvGeometry,
  dx: WasmData,
): void {
  if (dx.size === 0) return;
  if (g.n * g.oh * g.ow * g.cout === 0 || g.cinG === 0) {
    k.f32(dx).fill(0);
    return;
  }
  if (g.groups === 1) {
    denseBackpropInput(k, dy, filter, g, dx);
    return;
  }
  if (g.cinG === 1) {
    // Depthwise (groups = C).
    if (g.cout === g.cin && flippedPads(g) && !hasNonFinite(k.f32(filter))) {
      const f = flippedFilter(k, filter, g, true);
      xnnConv(k, 'DepthwiseConv2dNative', dy.cid, f.cid, flippedGeometry(g), dx.cid);
    } else {
      k.f32(dx).fill(0);
      depthwiseBackpropInput(k.f32(dy), k.f32(filter), k.f32(dx), g);
    }
    return;
  }
  const cg = g.cinG;
  const og = g.cout / g.groups;
  const sub: ConvGeometry = { ...g, cin: cg, cout: og, coutG: og, groups: 1 };
  const dyg = k.temp('float32', g.n * g.oh * g.ow * og);
  const fg = k.temp('float32', g.kh * g.kw * cg * og);
  const dxg = k.temp('float32', g.n * g.h * g.w * cg);
  for (let gi = 0; gi < g.groups; gi++) {
    sliceChannels(k.f32(dy), g.cout, gi * og, og, k.f32(dyg));
    sliceChannels(k.f32(filter), g.cout, gi * og, og, k.f32(fg));
    // fg's contents change per group; its derived filters get fresh ids inside.
    denseBackpropInput(k, dyg, fg, sub, dxg);
    placeChannels(k.f32(dxg), cg, k.f32(dx), g.cin, gi * cg);
  }
}

/** Pads of the stride-1 flipped convolution, or null when the forward pads exceed the window. */
function flippedPads(g: ConvGeometry): boolean {
  if (g.sh !== 1 || g.sw !== 1) return false;
  const spanH = windowSpan(g.kh, g.dh);
  const spanW = windowSpan(g.kw, g.dw);
  return g.pt <= spanH - 1 && g.pb <= spanH - 1 && g.pl <= spanW - 1 && g.pr <= spanW - 1;
}

/** The forward convolution dy → dx of a stride-1 convolution (input and output roles swapped). */
function flippedGeometry(g: ConvGeometry): ConvGeometry {
  const spanH = windowSpan(g.kh, g.dh);
  const spanW = windowSpan(g.kw, g.dw);
  return {
    ...g,
    h: g.oh,
    w: g.ow,
    oh: g.h,
    ow: g.w,
    cin: g.cout,
    cout: g.cin,
    cinG: g.groups === 1 ? g.cout : 1,
    coutG: g.cin / g.groups,
    pt: spanH - 1 - g.pt,
    pb: spanH - 1 - g.pb,
    pl: spanW - 1 - g.pl,
    pr: spanW - 1 - g.pr,
  };
}

/** W'[a, b, o, i] = W[kh-1-a, kw-1-b, i, o] (depthwise: only the spatial flip). */
function flippedFilter(k: KernelScope, filter: WasmData, g: ConvGeometry, depthwise: boolean): WasmData {
  const f = k.temp('float32', filter.size);
  const src = k.f32(filter);
  const dst = k.f32(f);
  const { kh, kw } = g;
  if (depthwise) {
    const c = g.cout;
    for (let a = 0; a < kh; a++)
      for (let b = 0; b < kw; b++) {
        const s = ((kh - 1 - a) * kw + (kw - 1 - b)) * c;
        dst.set(src.subarray(s, s + c), (a * kw + b) * c);
      }
    return f;
  }
  const ci = g.cinG;
  const co = g.cout;
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++) {
      const s = ((kh - 1 - a) * kw + (kw - 1 - b)) * ci * co;
      const d = (a * kw + b) * co * ci;
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) dst[d + o * ci + i] = src[s + i * co + o];
    }
  return f;
}

function denseBackpropInput(
  k: KernelScope,
  dy: WasmData,
  filter: WasmData,
  g: ConvGeometry,
  dx: WasmData,
): void {
  // Few channels: the emitted direct loop over the taps inside dy (any filter, non-finite included).
  if (smallChannelBackpropInput(k, dy, filter, g, dx)) return;
  // The flipped convolution pads dy with zeros, and 0 · NaN (or ∞) taps would poison dx's border, which
  // PyTorch's col2im leaves finite: a non-finite filter takes the col2im path.
  if (flippedPads(g) && !hasNonFinite(k.f32(filter))) {
    const f = flippedFilter(k, filter, g, false);
    xnnConv(k, 'Conv2D', dy.cid, f.cid, flippedGeometry(g), dx.cid);
    k.drop(f);
    return;
  }
  // Columns dy [P, Cout] · Wᵀ [Cout, kh*kw*Cin], a chunk of pixels at a time, added back by col2im.
  const rowLen = g.kh * g.kw * g.cin;
  const pixels = g.n * g.oh * g.ow;
  const chunk = Math.max(1, Math.min(pixels, Math.floor(COL_CHUNK / rowLen)));
  const wT = transposeLast2(k, filter, [rowLen, g.cout]);
  const col = k.temp('float32', chunk * rowLen);
  k.f32(dx).fill(0);
  for (let p0 = 0; p0 < pixels; p0 += chunk) {
    const p1 = Math.min(pixels, p0 + chunk);
    const rows = p1 - p0;
    const dyPart = k.part(dy, p0 * g.cout, rows * g.cout);
    const colPart = k.part(col, 0, rows * rowLen);
    matmulKernel(k, dyPart, [rows, g.cout], wT, [g.cout, rowLen], false, false, colPart, [rows, rowLen]);
    col2im(k.f32(colPart), g, 0, p0, rows, k.f32(dx));
  }
  k.drop(col);
  k.drop(wT);
}
