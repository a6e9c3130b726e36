/**
 * conv → batch norm (→ activation) in inference, as one `fusedConv2d`: the norm's running statistics and
 * affine folded into the convolution's filter and bias — `W·s` and `(b − mean)·s + β` with
 * `s = γ / √(var + ε)` per output channel — and the activation into its epilogue. Exact up to rounding.
 *
 * Taken only where it cannot change what a user observes: evaluation mode, grad off (nothing needs each
 * layer's own output for a gradient), no forward hooks on either layer, and a convolution without an
 * activation of its own. The folded filter and bias are kept by the norm between calls and folded again
 * when a weight or statistic is replaced (batch-norm-fold.ts); with grad on (a direct call) they are
 * folded per call, so gradients reach the weights.
 */
import { type FusedActivation, fusedConv2d, isGradEnabled, type Tensor, tidy } from '@dendrite/core';
import type { Module } from '../module/module.js';
import type { BatchNorm } from './batch-norm.js';
import { foldBatchNorm, keptFold } from './batch-norm-fold.js';
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
    const { filter, bias } = isGradEnabled() ? foldBatchNorm(conv, bn) : keptFold(conv, bn);
    return fusedConv2d(x, filter, { ...conv.convOptions, bias, activation });
  });
}
