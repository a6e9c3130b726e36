/**
 * Output sizes of windowed layers (convolutions, pooling) computed from shapes alone, with exactly the
 * padding rules of core's ops (core's own `resolvePads` / `windowOutput`), so a layer can report its
 * output shape for a summary and refuse a bad input before running anything.
 */
import {
  windowOutput as coreWindowOutput,
  type Padding,
  type Pads2D,
  type Pair,
  resolvePads as resolveCorePads,
  ShapeError,
  toPair,
} from '@dendrite/core';

export { type Pair, toPair };
export type Pads = Pads2D;

/** Checks a padding spec once, when the layer is built (core's resolver validates explicit pads). */
export function checkPadding(op: string, padding: Padding): Padding {
  resolveCorePads(op, padding, [1, 1], [1, 1], [1, 1], [1, 1]);
  return padding;
}

/** Explicit pads for a window `kernel` (dilated by `dilations`) sliding at `strides` over `[h, w]`. */
export function resolvePads(
  padding: Padding,
  inHW: Pair,
  kernel: Pair,
  strides: Pair,
  dilations: Pair,
): Pads {
  return resolveCorePads('resolvePads', padding, inHW, kernel, strides, dilations);
}

/** `[oh, ow]` of a window op over NHWC `inputShape`; a ShapeError naming `op` when the window does not fit. */
export function windowOutput(
  op: string,
  inputShape: readonly number[],
  kernel: Pair,
  strides: Pair,
  dilations: Pair,
  padding: Padding,
): Pair {
  const pads = resolveCorePads(op, padding, [inputShape[1], inputShape[2]], kernel, strides, dilations);
  return coreWindowOutput(op, inputShape, kernel, strides, dilations, pads);
}

/** Refuses anything but a 4-D NHWC shape with `channels` channels (any channel count when undefined). */
export function expectNHWC(op: string, inputShape: readonly number[], channels?: number): void {
  if (inputShape.length !== 4 || (channels !== undefined && inputShape[3] !== channels)) {
    throw new ShapeError(op, `expected input [N, H, W, ${channels ?? 'C'}], got [${inputShape.join(', ')}]`);
  }
}
