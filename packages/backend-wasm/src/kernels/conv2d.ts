/**
 * conv2d forward on XNNPACK: the module's Conv2D (groups = 1) and DepthwiseConv2dNative (groups = C),
 * both with explicit pads and dilation. Other group counts run one Conv2D per group on channel slices.
 * XNNPACK caches the operator (filter packed) per filter id and every parameter, so a weight that is
 * reused (inference, several calls per step) is packed once.
 */
import type { ConvGeometry } from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { smallChannelConv } from './conv2d-small.js';
import { placeChannels, sliceChannels } from './layout.js';

/** The module's Conv2D / DepthwiseConv2dNative on (x, filter) ids, geometry `g` (groups ignored). */
export function xnnConv(
  k: KernelScope,
  kernel: 'Conv2D' | 'DepthwiseConv2dNative',
  xId: number,
  filterId: number,
  g: ConvGeometry,
  outId: number,
): void {
  const work = g.n * g.oh * g.ow * g.kh * g.kw * (kernel === 'Conv2D' ? g.cin : 1) * g.cout;
  k.callSized(
    work,
    kernel,
    xId,
    g.n,
    g.h,
    g.w,
    filterId,
    g.kh,
    g.kw,
    g.pt,
    g.pr,
    g.pb,
    g.pl,
    0,
    g.dh,
    g.dw,
    g.sh,
    g.sw,
    g.cin,
    g.cout,
    outId,
  );
}

export function conv2dKernel(
  k: KernelScope,
  x: WasmData,
  filter: WasmData,
  g: ConvGeometry,
  out: WasmData,
): void {
  if (out.size === 0) return;
  if (g.n * g.h * g.w * g.cin === 0) {
    k.f32(out).fill(0);
    return;
  }
  if (g.groups === 1) {
    if (!smallChannelConv(k, x, filter, g, out)) xnnConv(k, 'Conv2D', x.cid, filter.cid, g, out.cid);
    return;
  }
  if (g.cinG === 1) {
    // Depthwise (groups = C > 1).
    xnnConv(k, 'DepthwiseConv2dNative', x.cid, filter.cid, g, out.cid);
    return;
  }
  const cg = g.cinG;
  const og = g.cout / g.groups;
  const sub: ConvGeometry = { ...g, cin: cg, cout: og, coutG: og, groups: 1 };
  const xg = k.temp('float32', g.n * g.h * g.w * cg);
  const fg = k.temp('float32', g.kh * g.kw * cg * og);
  const yg = k.temp('float32', g.n * g.oh * g.ow * og);
  for (let gi = 0; gi < g.groups; gi++) {
    sliceChannels(k.f32(x), g.cin, gi * cg, cg, k.f32(xg));
    sliceChannels(k.f32(filter), g.cout, gi * og, og, k.f32(fg));
    // A fresh filter id per group: the operator cached under the old one would hold its weights.
    const fid = k.alias(fg.ptr, fg.size);
    xnnConv(k, 'Conv2D', xg.cid, fid, sub, yg.cid);
    placeChannels(k.f32(yg), og, k.f32(out), g.cout, gi * og);
  }
}
