/**
 * conv2d for few channels (groups = 1, 4 ≤ Cout ≤ 8, Cin ≤ 4: LeNet-5's first layer) on the emitted direct loop of codegen/small-conv-forward.ts, one image per unit, shared
 * with the helper threads where there are some: x is copied into a zero-padded buffer unless every
 * window already lies inside it. Returns false where the shape is not one it takes (the plain build,
 * more channels: there XNNPACK, see SMALL_CONV_MAX_CIN for the measurements).
 */
import type { ConvGeometry } from '@dendrite/core/kit';
import {
  SMALL_CONV_MAX_CIN,
  SMALL_CONV_MAX_COUT,
  SMALL_CONV_MIN_COUT,
  type SmallConvShape,
  smallConvFunction,
  smallConvKey,
} from '../codegen/small-conv-forward.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { padInput } from './padded-input.js';

export function smallChannelConv(
  k: KernelScope,
  x: WasmData,
  filter: WasmData,
  g: ConvGeometry,
  out: WasmData,
): boolean {
  const emitted = k.instance.emitted;
  if (
    !emitted ||
    g.groups !== 1 ||
    g.cout < SMALL_CONV_MIN_COUT ||
    g.cout > SMALL_CONV_MAX_COUT ||
    g.cin > SMALL_CONV_MAX_CIN
  )
    return false;
  const needH = (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1;
  const needW = (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  const inside = g.pt === 0 && g.pl === 0 && needH <= g.h && needW <= g.w;
  const hp = inside ? g.h : needH;
  const wp = inside ? g.w : needW;
  const shape: SmallConvShape = {
    hp,
    wp,
    cin: g.cin,
    cout: g.cout,
    oh: g.oh,
    ow: g.ow,
    kh: g.kh,
    kw: g.kw,
    sh: g.sh,
    sw: g.sw,
    dh: g.dh,
    dw: g.dw,
  };
  const padded = inside ? null : k.temp('float32', g.n * hp * wp * g.cin);
  if (padded) padInput(k.f32(x), g.n, g.h, g.w, g.cin, g.pt, g.pl, hp, wp, k.f32(padded));
  emitted.shareShaped(
    smallConvKey(shape),
    () => [smallConvFunction(shape)],
    [padded ? padded.ptr : x.ptr, filter.ptr, out.ptr, 0],
    g.n,
  );
  if (padded) k.drop(padded);
  return true;
}
