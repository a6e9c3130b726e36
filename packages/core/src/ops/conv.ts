/**
 * Convolutions, NHWC with HWIO filters: conv2d (groups, stride, padding, dilation), depthwise conv2d and
 * conv2dTranspose. The two gradients of a convolution are contract kernels; everything else is shared.
 * Gradients: gradients/conv.grad.ts.
 */
import type { Conv2DAttrs } from '../backend.js';
import { ArgumentError, asOp, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { type Padding, type Pair, resolvePads, toPair, windowOutput } from '../kit/geometry/window.js';
import { tidy } from '../memory.js';
import { checkShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from '../validate.js';
import { add } from './arithmetic.js';
import { reshape } from './reshape.js';
import { runKernel } from './run-kernel.js';

export interface Conv2DOptions {
  readonly strides?: number | Pair;
  readonly padding?: Padding;
  readonly dilations?: number | Pair;
  /** Grouped convolution: the filter is `[kh, kw, inChannels / groups, outChannels]`. */
  readonly groups?: number;
  /** Added to every output pixel, `[outChannels]`. */
  readonly bias?: Tensor | null;
}

function checkFloat(op: string, ...ts: Tensor[]): void {
  for (const [i, t] of ts.entries()) {
    checkTensor(op, i === 0 ? 'x' : 'filter', t);
    if (t.dtype !== 'float32')
      throw new DTypeError(op, `got ${t.dtype}${fmtShape(t.shape)}; expected float32`);
  }
}

/**
 * conv2d with its attributes already resolved and checked (`attrs`, the output shape): the kernel call
 * that conv2d and the convolution gradients share.
 */
export function conv2dResolved(x: Tensor, filter: Tensor, attrs: Conv2DAttrs, outShape: Shape): Tensor {
  return runKernel({
    op: 'conv2d',
    inputs: [x, filter],
    out: { shape: outShape, dtype: 'float32' },
    run: (backend, [kx, kf]) => backend.conv2d(kx, kf, attrs, { shape: outShape, dtype: 'float32' }),
    attrs,
  });
}

/** Gradient of conv2d for its input (also the forward pass of conv2dTranspose). */
export function conv2dBackpropInput(
  dy: Tensor,
  filter: Tensor,
  inputShape: Shape,
  attrs: Conv2DAttrs,
): Tensor {
  return runKernel({
    op: 'conv2dBackpropInput',
    inputs: [dy, filter],
    out: { shape: inputShape, dtype: 'float32' },
    run: (backend, [kd, kf]) =>
      backend.conv2dBackpropInput(kd, kf, attrs, { shape: inputShape, dtype: 'float32' }),
    attrs,
  });
}

/** Gradient of conv2d for its filter. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, attrs: Conv2DAttrs): Tensor {
  return runKernel({
    op: 'conv2dBackpropFilter',
    inputs: [x, dy],
    out: { shape: filterShape, dtype: 'float32' },
    run: (backend, [kx, kd]) =>
      backend.conv2dBackpropFilter(kx, kd, attrs, { shape: filterShape, dtype: 'float32' }),
    attrs,
  });
}

/**
 * conv2d's options resolved and checked against `x` and `filter` (both float32, NHWC / HWIO): the
 * kernel attributes and the output shape. Shared by conv2d and fusedConv2d, under the caller's op name.
 */
export function resolveConv2d(
  op: string,
  x: Tensor,
  filter: Tensor,
  options: Omit<Conv2DOptions, 'bias'>,
): { attrs: Conv2DAttrs; outShape: number[] } {
  checkFloat(op, x, filter);
  if (x.rank !== 4 || filter.rank !== 4) {
    throw new ShapeError(
      op,
      `expected x [N, H, W, C] and filter [kh, kw, in, out], got ${fmtShape(x.shape)} and ${fmtShape(filter.shape)}`,
    );
  }
  const groups = options.groups ?? 1;
  const [kh, kw, fin, cout] = filter.shape;
  checkWindow(op, filter.shape);
  const cin = x.shape[3];
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0) {
    throw new ArgumentError(
      op,
      `groups ${groups} must divide both input channels ${cin} and output channels ${cout}`,
    );
  }
  if (fin * groups !== cin) {
    throw new ShapeError(
      op,
      `filter ${fmtShape(filter.shape)} expects ${fin * groups} input channels (in=${fin} × groups=${groups}) but x ${fmtShape(x.shape)} has ${cin}`,
    );
  }
  const strides = toPair(op, 'strides', options.strides, 1);
  const dilations = toPair(op, 'dilations', options.dilations, 1);
  const pads = resolvePads(
    op,
    options.padding ?? 'valid',
    [x.shape[1], x.shape[2]],
    [kh, kw],
    strides,
    dilations,
  );
  const [oh, ow] = windowOutput(op, x.shape, [kh, kw], strides, dilations, pads);
  return { attrs: { strides, pads, dilations, groups }, outShape: [x.shape[0], oh, ow, cout] };
}

/** A convolution's window needs at least one tap (an empty one has no output size: it would exceed the input). */
function checkWindow(op: string, filterShape: Shape): void {
  if (filterShape[0] < 1 || filterShape[1] < 1) {
    throw new ShapeError(
      op,
      `filter ${fmtShape(filterShape)} has an empty window; expected kh >= 1 and kw >= 1`,
    );
  }
}

/** A per-output-channel bias of a convolution must be `[outChannels]`. */
export function checkConvBias(op: string, bias: Tensor, outChannels: number): void {
  checkTensor(op, 'bias', bias);
  if (bias.dtype !== 'float32') throw new DTypeError(op, `bias is ${bias.dtype}; expected float32`);
  if (bias.rank !== 1 || bias.shape[0] !== outChannels) {
    throw new ShapeError(op, `bias ${fmtShape(bias.shape)} must be [${outChannels}] (output channels)`);
  }
}

/** 2-D convolution (cross-correlation) of NHWC `x` with an HWIO `filter`. */
export function conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2d';
  const { attrs, outShape } = resolveConv2d(op, x, filter, options);
  const bias = options.bias;
  if (!bias) return conv2dResolved(x, filter, attrs, outShape);
  checkConvBias(op, bias, outShape[3]);
  return asOp(op, () => tidy(() => add(conv2dResolved(x, filter, attrs, outShape), bias)));
}

/**
 * Depthwise convolution: `filter` `[kh, kw, C, M]`; output channel `c*M + m` convolves input channel `c`
 * with `filter[:, :, c, m]`.
 */
export function depthwiseConv2d(
  x: Tensor,
  filter: Tensor,
  options: Omit<Conv2DOptions, 'groups'> = {},
): Tensor {
  const op = 'depthwiseConv2d';
  checkFloat(op, x, filter);
  if (x.rank !== 4 || filter.rank !== 4 || filter.shape[2] !== x.shape[3]) {
    throw new ShapeError(
      op,
      `expected x [N, H, W, C] and filter [kh, kw, C, multiplier] with the same C, got ${fmtShape(x.shape)} and ${fmtShape(filter.shape)}`,
    );
  }
  checkWindow(op, filter.shape);
  const [kh, kw, c, m] = filter.shape;
  return asOp(op, () =>
    tidy(() => conv2d(x, reshape(filter, [kh, kw, 1, c * m]), { ...options, groups: c })),
  );
}

export interface Conv2DTransposeOptions {
  readonly strides?: number | Pair;
  /** Padding of the forward convolution whose input gradient this is, computed on `outputShape`. */
  readonly padding?: Padding;
  readonly dilations?: number | Pair;
  readonly bias?: Tensor | null;
}

/**
 * Transposed convolution: `x` `[N, H, W, inC]`, `filter` `[kh, kw, outC, inC]` (TensorFlow layout),
 * result `outputShape` `[N, OH, OW, outC]`. It is the input gradient of the conv2d that maps
 * `outputShape` to `x`'s shape.
 */
export function conv2dTranspose(
  x: Tensor,
  filter: Tensor,
  outputShape: Shape,
  options: Conv2DTransposeOptions = {},
): Tensor {
  const op = 'conv2dTranspose';
  checkFloat(op, x, filter);
  if (x.rank !== 4 || filter.rank !== 4 || outputShape.length !== 4) {
    throw new ShapeError(
      op,
      `expected x [N, H, W, C], filter [kh, kw, outC, inC], outputShape [N, OH, OW, outC]; got ${fmtShape(x.shape)}, ${fmtShape(filter.shape)}, ${fmtShape(outputShape)}`,
    );
  }
  checkShape(op, outputShape, 'outputShape');
  checkWindow(op, filter.shape);
  const [kh, kw, fout, fin] = filter.shape;
  if (fin !== x.shape[3] || fout !== outputShape[3] || outputShape[0] !== x.shape[0]) {
    throw new ShapeError(
      op,
      `filter ${fmtShape(filter.shape)} needs x with ${fin} channels and outputShape with ${fout}; got x ${fmtShape(x.shape)}, outputShape ${fmtShape(outputShape)}`,
    );
  }
  const strides = toPair(op, 'strides', options.strides, 1);
  const dilations = toPair(op, 'dilations', options.dilations, 1);
  const pads = resolvePads(
    op,
    options.padding ?? 'valid',
    [outputShape[1], outputShape[2]],
    [kh, kw],
    strides,
    dilations,
  );
  const [oh, ow] = windowOutput(op, outputShape, [kh, kw], strides, dilations, pads);
  if (oh !== x.shape[1] || ow !== x.shape[2]) {
    throw new ShapeError(
      op,
      `a conv2d over outputShape ${fmtShape(outputShape)} gives ${oh}x${ow}, not x's ${x.shape[1]}x${x.shape[2]}; check outputShape, strides and padding`,
    );
  }
  const attrs: Conv2DAttrs = { strides, pads, dilations, groups: 1 };
  const bias = options.bias;
  if (!bias) return conv2dBackpropInput(x, filter, outputShape, attrs);
  checkConvBias(op, bias, fout);
  return asOp(op, () => tidy(() => add(conv2dBackpropInput(x, filter, outputShape, attrs), bias)));
}
