/**
 * The filter and bias of a conv → batch norm pair with the norm folded in (see conv-batch-norm.ts), kept
 * between inference calls. Folding is about seven small elementwise kernels per pair, which in a ResNet's
 * inference step came to a tenth of the time when redone on every call.
 *
 * Tensors are immutable and every update of a parameter or buffer (an optimizer step, `loadStateDict`,
 * `withParameters`, a training pass's running statistics) puts a new tensor in its slot, so the ids of the
 * six input tensors (and `eps`) say exactly when the fold is stale. They also fix its backend: ops run
 * where their inputs live, so the same inputs give a fold on the same backend whichever one is current.
 */
import { add, keep, mul, rsqrt, sub, type Tensor, tidy } from '@dendrite/core';
import type { BatchNorm } from './batch-norm.js';
import type { Conv2D } from './conv2d.js';

export interface FoldedConv {
  readonly filter: Tensor;
  readonly bias: Tensor;
}

/** `W·s` and `(b − mean)·s + β` with `s = γ / √(var + ε)` per output channel, computed now. */
export function foldBatchNorm(conv: Conv2D, bn: BatchNorm): FoldedConv {
  return tidy(() => {
    const s = mul(bn.gamma.value, rsqrt(add(bn.runningVar.value, bn.eps)));
    const shift = conv.bias ? sub(conv.bias.value, bn.runningMean.value) : mul(bn.runningMean.value, -1);
    return { filter: mul(conv.kernel.value, s), bias: add(mul(shift, s), bn.beta.value) };
  });
}

/** A fold kept for one norm: the tensors it owns (exempt from `tidy`) and what it was computed from. */
interface KeptFold {
  readonly folded: FoldedConv;
  /** Ids of the six input tensors (-1: no conv bias), in `foldInputs` order. */
  readonly ids: readonly number[];
  readonly eps: number;
}

/** Each norm's kept fold, beside the BatchNorm class so that it stays out of its public type (and docs). */
const kept = new WeakMap<BatchNorm, KeptFold>();

function foldInputs(conv: Conv2D, bn: BatchNorm): (Tensor | null)[] {
  return [
    conv.kernel.value,
    conv.bias?.value ?? null,
    bn.gamma.value,
    bn.beta.value,
    bn.runningMean.value,
    bn.runningVar.value,
  ];
}

/** `foldBatchNorm(conv, bn)`, kept for `bn` and recomputed only when one of its inputs was replaced. */
export function keptFold(conv: Conv2D, bn: BatchNorm): FoldedConv {
  const inputs = foldInputs(conv, bn);
  const k = kept.get(bn);
  if (k && k.eps === bn.eps && inputs.every((t, i) => (t?.id ?? -1) === k.ids[i] && !t?.isDisposed))
    return k.folded;
  releaseFold(bn);
  // Disposed inputs never match, so they reach these ops and raise the error the uncached fold raised.
  const { filter, bias } = foldBatchNorm(conv, bn);
  const folded = { filter: keep(filter), bias: keep(bias) };
  kept.set(bn, { folded, ids: inputs.map((t) => t?.id ?? -1), eps: bn.eps });
  return folded;
}

/** Frees the fold kept for `bn`, if any (the next `keptFold` folds again): its statistics moved, or it is disposed. */
export function releaseFold(bn: BatchNorm): void {
  const k = kept.get(bn);
  if (!k) return;
  k.folded.filter.dispose();
  k.folded.bias.dispose();
  kept.delete(bn);
}
