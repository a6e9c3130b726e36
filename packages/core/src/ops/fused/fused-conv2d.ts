/**
 * `activation(conv2d(x, filter) + bias)` in one op: a convolution layer's forward pass with its bias and
 * activation in the kernel's epilogue (and, in inference, a batch norm folded into filter and bias).
 * Gradient: gradients/fused/fused-conv2d.grad.ts.
 */
import type { Conv2DAttrs, FusedActivation } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../arithmetic.js';
import { type Conv2DOptions, checkConvBias, conv2dResolved, resolveConv2d } from '../conv.js';
import { runFused } from '../with-default.js';
import { activate, checkActivation } from './activation.js';

export interface FusedConv2DOptions extends Conv2DOptions {
  readonly activation?: FusedActivation;
}

/** Attributes of fusedConv2d, as its gradient receives them. */
export interface FusedConv2DAttrs {
  readonly conv: Conv2DAttrs;
  readonly activation: FusedActivation;
  readonly hasBias: boolean;
}

export function fusedConv2d(x: Tensor, filter: Tensor, options: FusedConv2DOptions = {}): Tensor {
  const op = 'fusedConv2d';
  const activation = checkActivation(op, options.activation);
  const { attrs, outShape } = resolveConv2d(op, x, filter, options);
  const bias = options.bias ?? null;
  if (bias) checkConvBias(op, bias, outShape[3]);
  const out = { shape: outShape, dtype: 'float32' as const };
  return runFused({
    op,
    inputs: bias ? [x, filter, bias] : [x, filter],
    out,
    kernel: (b) =>
      b.fusedConv2d ? ([kx, kf, kb]) => b.fusedConv2d!(kx, kf, kb ?? null, activation, attrs, out) : null,
    fallback: () => {
      const z = conv2dResolved(x, filter, attrs, outShape);
      return activate(bias ? add(z, bias) : z, activation);
    },
    attrs: { conv: attrs, activation, hasBias: bias !== null } satisfies FusedConv2DAttrs,
  });
}
