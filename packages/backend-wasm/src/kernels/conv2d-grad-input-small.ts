/**
 * conv2d's input gradient for few channels (groups = 1, stride 1, dilation 1, Cout a multiple of 4 up to
 * 16, Cin up to 6, or up to 16 where the flipped form's padding is a large share: LeNet-5's conv2; see
 * SMALL_INPUT_GRAD_MAX_CIN for the measurements) on the emitted
 * direct loop of codegen/small-conv-input-grad.ts, one image per unit, shared with the helper threads
 * where there are some. Returns false where the shape is not one it takes (the plain build, other
 * shapes: there the flipped convolution on XNNPACK or col2im).
 */
import type { ConvGeometry } from '@dendrite/core/kit';
import {
  SMALL_INPUT_GRAD_MAX_CIN,
  SMALL_INPUT_GRAD_MAX_COUT,
  SMALL_INPUT_GRAD_MAX_VALID_SHARE,
  SMALL_INPUT_GRAD_ONE_PASS_CIN,
  type SmallConvInputGradShape,
  smallConvInputGradFunction,
  smallConvInputGradKey,
  validTapShare,
} from '../codegen/small-conv-input-grad.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

export function smallChannelBackpropInput(
  k: KernelScope,
  dy: WasmData,
  filter: WasmData,
  g: ConvGeometry,
  dx: WasmData,
): boolean {
  const emitted = k.instance.emitted;
  if (
    !emitted ||
    g.groups !== 1 ||
    g.sh !== 1 ||
    g.sw !== 1 ||
    g.dh !== 1 ||
    g.dw !== 1 ||
    g.cout % 4 !== 0 ||
    g.cout > SMALL_INPUT_GRAD_MAX_COUT ||
    g.cin > SMALL_INPUT_GRAD_MAX_CIN
  )
    return false;
  const shape: SmallConvInputGradShape = {
    h: g.h,
    w: g.w,
    cin: g.cin,
    cout: g.cout,
    oh: g.oh,
    ow: g.ow,
    kh: g.kh,
    kw: g.kw,
    pt: g.pt,
    pl: g.pl,
  };
  if (g.cin > SMALL_INPUT_GRAD_ONE_PASS_CIN && validTapShare(shape) > SMALL_INPUT_GRAD_MAX_VALID_SHARE)
    return false;
  emitted.shareShaped(
    smallConvInputGradKey(shape),
    () => [smallConvInputGradFunction(shape)],
    [dy.ptr, filter.ptr, dx.ptr, 0],
    g.n,
  );
  return true;
}
