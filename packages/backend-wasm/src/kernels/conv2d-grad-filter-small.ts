/**
 * conv2d's filter gradient for few output channels (groups = 1, 4 ≤ Cout ≤ 16, at most 384 taps) on the emitted direct
 * loop of codegen/small-conv-filter.ts: x is copied into a zero-padded buffer (unless every window
 * already lies inside it), fixed blocks of images are summed into their own slots, shared with the
 * helper threads where there are some, and the slots are added in block order. Returns false where the shape is not one it takes (the plain build, more channels:
 * there im2col + GEMM, whose packing pays once M = Cout fills its tiles).
 */
import type { ConvGeometry } from '@dendrite/core/kit';
import {
  SMALL_FILTER_MAX_COUT,
  SMALL_FILTER_MAX_TAPS,
  SMALL_FILTER_MIN_COUT,
  type SmallConvFilterShape,
  smallConvFilterFunction,
  smallConvFilterKey,
  smallFilterBlocks,
  smallFilterSlotBytes,
} from '../codegen/small-conv-filter.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { smallConvInput } from './padded-input.js';

export function smallChannelBackpropFilter(
  k: KernelScope,
  x: WasmData,
  dy: WasmData,
  g: ConvGeometry,
  df: WasmData,
): boolean {
  const emitted = k.instance.emitted;
  if (
    !emitted ||
    g.groups !== 1 ||
    g.cout < SMALL_FILTER_MIN_COUT ||
    g.cout > SMALL_FILTER_MAX_COUT ||
    g.kh * g.kw * g.cin > SMALL_FILTER_MAX_TAPS
  )
    return false;
  const { geometry, ptr, padded } = smallConvInput(k, x, g);
  const shape: SmallConvFilterShape = { n: g.n, ...geometry };
  const blocks = smallFilterBlocks(g.n).count;
  const slotFloats = smallFilterSlotBytes(shape) / 4;
  const slots = k.temp('float32', blocks * slotFloats);
  k.f32(slots).fill(0);
  emitted.shareShaped(
    smallConvFilterKey(shape),
    () => [smallConvFilterFunction(shape)],
    [ptr, dy.ptr, slots.ptr, 0],
    blocks,
  );
  // The blocks' sums in block order (add_v: the same float32 adds as a JavaScript loop, in SIMD).
  k.f32(df).set(k.f32(slots).subarray(0, df.size));
  const add = emitted.elementwise().add_v;
  for (let b = 1; b < blocks; b++) add(df.ptr, slots.ptr + b * slotFloats * 4, df.ptr, df.size);
  k.drop(slots);
  if (padded) k.drop(padded);
  return true;
}
