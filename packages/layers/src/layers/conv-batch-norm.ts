/**
 * conv → batch norm (→ activation) in inference, as one `fusedConv2d`: the norm's running statistics and
 * affine folded into the convolution's filter and bias — `W·s` and `(b − mean)·s + β` with
 * `s = γ / √(var + ε)` per output channel — and the activation into its epilogue. Exact up to rounding.
 *
 * Taken only where it cannot change what a user observes: evaluation mode, grad off (nothing needs each
 * layer's own output for a gradient), no forward hooks on either layer, and a convolution without an
 * activation of its own. The fold is recomputed per call (an elementwise pass over the filter, small
 * next to the convolution), so there is no cache to invalidate when weights or statistics change.
 */
import {
  add,
  type FusedActivation,
  fusedConv2d,
  isGradEnabled,
  mul,
  rsqrt,
  sub,
  type Tensor,
  tidy,
} from '@dendrite/core';
import type { Module } from '../module/module.js';
import type { BatchNorm } from './batch-norm.js';
import type { Conv2D } from './conv2d.js';

/** Whether `conv` then `bn` (then `activation`) may run folded now. */
export function canFoldBatchNorm(conv: Conv2D, bn: BatchNorm, ...rest: Module[]): boolean {
  return (
    !conv.training &&
    !bn.training &&
    !isGradEnabled() &&
    conv.fusedActivation === 'linear' &&
    bn.channels === conv.outChannels &&
    ![conv, bn, ...rest].some((m) => m.hasForwardHooks)
  );
}

/** `activation(bn(conv(x)))` as one fusedConv2d with the norm folded in (see `canFoldBatchNorm`). */
export function convBatchNorm(
  conv: Conv2D,
  bn: BatchNorm,
  x: Tensor,
  activation: FusedActivation = 'linear',
): Tensor {
  conv.outputShape(x.shape); // the layer's own shape check, with its name
  return tidy(() => {
    const s = mul(bn.gamma.value, rsqrt(add(bn.runningVar.value, bn.eps)));
    const shift = conv.bias ? sub(conv.bias.value, bn.runningMean.value) : mul(bn.runningMean.value, -1);
    return fusedConv2d(x, mul(conv.kernel.value, s), {
      ...conv.convOptions,
      bias: add(mul(shift, s), bn.beta.value),
      activation,
    });
  });
}
