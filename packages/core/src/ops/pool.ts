/** Max and average pooling (NHWC) with their gradient kernels, and global pooling. Gradients: gradients/. */
import type { Pool2DAttrs, PoolOp } from '../backend.js';
import { asOp, DTypeError, fmtShape, fmtValue, ShapeError } from '../errors.js';
import { type Padding, type Pair, resolvePads, toPair, windowOutput } from '../kit/geometry/window.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { max, mean } from './reduce.js';
import { runKernel } from './run-kernel.js';

export interface Pool2DOptions {
  /** Defaults to the window size. */
  readonly strides?: number | Pair;
  readonly padding?: Padding;
}

function pool(op: PoolOp, name: string, x: Tensor, window: number | Pair, options: Pool2DOptions): Tensor {
  checkTensor(name, 'x', x);
  if (x.dtype !== 'float32')
    throw new DTypeError(name, `got ${x.dtype}${fmtShape(x.shape)}; expected float32`);
  if (x.rank !== 4) throw new ShapeError(name, `expected x [N, H, W, C], got ${fmtShape(x.shape)}`);
  const win = toPair(name, 'window', window, 1);
  const strides = toPair(name, 'strides', options.strides ?? win, 1);
  const pads = resolvePads(name, options.padding ?? 'valid', [x.shape[1], x.shape[2]], win, strides, [1, 1]);
  if (pads[0][0] >= win[0] || pads[0][1] >= win[0] || pads[1][0] >= win[1] || pads[1][1] >= win[1]) {
    throw new ShapeError(name, `padding ${fmtValue(pads)} must be smaller than the window ${fmtShape(win)}`);
  }
  const [oh, ow] = windowOutput(name, x.shape, win, strides, [1, 1], pads);
  const attrs: Pool2DAttrs = { window: win, strides, pads };
  const shape = [x.shape[0], oh, ow, x.shape[3]];
  return runKernel({
    op: name,
    inputs: [x],
    out: { shape, dtype: 'float32' },
    run: (backend, [k]) => backend.pool2d(op, k, attrs, { shape, dtype: 'float32' }),
    attrs: { pool: attrs, inShape: x.shape } satisfies PoolGradAttrs,
  });
}

/** Attributes of a pooling op, as its gradient receives them. */
export interface PoolGradAttrs {
  readonly pool: Pool2DAttrs;
  readonly inShape: Shape;
}

/** The gradient kernel of max pooling: `dy` routed to the first maximum of each window of `x`. */
export function maxPool2dGrad(dy: Tensor, x: Tensor, attrs: Pool2DAttrs): Tensor {
  const out = { shape: x.shape, dtype: 'float32' as const };
  return runKernel({
    op: 'maxPool2dGrad',
    inputs: [dy, x],
    out,
    run: (backend, [kd, kx]) => backend.maxPool2dGrad(kd, kx, attrs, out),
  });
}

/** The gradient kernel of average pooling: `dy` spread over each window's non-padding elements. */
export function avgPool2dGrad(dy: Tensor, attrs: Pool2DAttrs, inShape: Shape): Tensor {
  const out = { shape: inShape, dtype: 'float32' as const };
  return runKernel({
    op: 'avgPool2dGrad',
    inputs: [dy],
    out,
    run: (backend, [kd]) => backend.avgPool2dGrad(kd, attrs, out),
  });
}

/** Max pooling; padding never wins (it is -Infinity). */
export function maxPool2d(x: Tensor, window: number | Pair, options: Pool2DOptions = {}): Tensor {
  return pool('max', 'maxPool2d', x, window, options);
}

/** Average pooling over the non-padding elements of each window (TensorFlow's count_include_pad=false). */
export function avgPool2d(x: Tensor, window: number | Pair, options: Pool2DOptions = {}): Tensor {
  return pool('avg', 'avgPool2d', x, window, options);
}

/** `[N, H, W, C] -> [N, C]` mean. */
export function globalAvgPool2d(x: Tensor, keepdims = false): Tensor {
  checkTensor('globalAvgPool2d', 'x', x);
  if (x.rank !== 4)
    throw new ShapeError('globalAvgPool2d', `expected x [N, H, W, C], got ${fmtShape(x.shape)}`);
  return asOp('globalAvgPool2d', () => mean(x, [1, 2], keepdims));
}

/** `[N, H, W, C] -> [N, C]` maximum. */
export function globalMaxPool2d(x: Tensor, keepdims = false): Tensor {
  checkTensor('globalMaxPool2d', 'x', x);
  if (x.rank !== 4)
    throw new ShapeError('globalMaxPool2d', `expected x [N, H, W, C], got ${fmtShape(x.shape)}`);
  if (x.dtype !== 'float32')
    throw new DTypeError('globalMaxPool2d', `got ${x.dtype}${fmtShape(x.shape)}; expected float32`);
  return asOp('globalMaxPool2d', () => max(x, [1, 2], keepdims));
}
