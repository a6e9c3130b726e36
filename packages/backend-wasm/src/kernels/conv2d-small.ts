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
  smallConvFunction,
  smallConvKey,
} from '../codegen/small-conv-forward.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { smallConvInput } from './padded-input.js';

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
  const { geometry: shape, ptr, padded } = smallConvInput(k, x, g);
  emitted.shareShaped(
    smallConvKey(shape),
    () => [smallConvFunction(shape)],
    [ptr, filter.ptr, out.ptr, 0],
    g.n,
  );
  if (padded) k.drop(padded);
  return true;
}
