/** What the pooling layers share: window, strides and padding, and the shape rule. */
import { type Padding, type Shape, ShapeError } from '@dendrite/core';
import { checkPadding, expectNHWC, type Pair, resolvePads, toPair, windowOutput } from './window-geometry.js';

export interface Pool2DOptions {
  readonly name?: string;
  /** Default: the window size (non-overlapping windows). */
  readonly strides?: number | Pair;
  /** `'valid'` (default), `'same'` or explicit `[[top, bottom], [left, right]]`. */
  readonly padding?: Padding;
}

export interface PoolGeometry {
  readonly window: Pair;
  readonly strides: Pair;
  readonly padding: Padding;
}

export function poolGeometry(op: string, window: number | Pair, options: Pool2DOptions): PoolGeometry {
  const win = toPair(op, 'poolSize', window, 1);
  return {
    window: win,
    strides: toPair(op, 'strides', options.strides ?? win, 1),
    padding: checkPadding(op, options.padding ?? 'valid'),
  };
}

export function poolOutputShape(op: string, g: PoolGeometry, inputShape: Shape): Shape {
  expectNHWC(op, inputShape);
  const pads = resolvePads(g.padding, [inputShape[1], inputShape[2]], g.window, g.strides, [1, 1]);
  if (pads.some((p, i) => p[0] >= g.window[i] || p[1] >= g.window[i])) {
    // A window made only of padding would have nothing to pool.
    throw new ShapeError(
      op,
      `padding ${JSON.stringify(pads)} must be smaller than the window [${g.window.join(', ')}]`,
    );
  }
  const [oh, ow] = windowOutput(op, inputShape, g.window, g.strides, [1, 1], g.padding);
  return [inputShape[0], oh, ow, inputShape[3]];
}
