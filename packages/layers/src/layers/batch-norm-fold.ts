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

/**
 * Each norm's kept fold, outside the BatchNorm class so that it stays out of its public type (and
 * docs): `keptFold(bn)` to use it, `releaseFold(bn)` when the norm's statistics move or it is disposed.
 */
const folds = new WeakMap<BatchNorm, BatchNormFold>();

/** The fold kept for `bn` (created empty on first use). */
export function keptFold(bn: BatchNorm): BatchNormFold {
  let fold = folds.get(bn);
  if (fold === undefined) {
    fold = new BatchNormFold();
    folds.set(bn, fold);
  }
  return fold;
}

/** Frees the fold kept for `bn`, if any. */
export function releaseFold(bn: BatchNorm): void {
  folds.get(bn)?.release();
}

/** One pair's folded filter and bias, owned here (exempt from `tidy`) until stale or released. */
class BatchNormFold {
  private folded: FoldedConv | null = null;
  /** Ids of the tensors `folded` was computed from (-1: no conv bias), then eps. */
  private readonly key: number[] = [];

  /** `foldBatchNorm(conv, bn)`, recomputed only when one of its inputs was replaced. */
  get(conv: Conv2D, bn: BatchNorm): FoldedConv {
    const inputs = [
      conv.kernel.value,
      conv.bias?.value ?? null,
      bn.gamma.value,
      bn.beta.value,
      bn.runningMean.value,
      bn.runningVar.value,
    ];
    if (this.folded && this.matches(inputs, bn.eps)) return this.folded;
    this.release();
    // Disposed inputs never match, so they reach these ops and raise the error the uncached fold raised.
    const { filter, bias } = foldBatchNorm(conv, bn);
    const folded = { filter: keep(filter), bias: keep(bias) };
    this.folded = folded;
    this.key.push(...inputs.map((t) => t?.id ?? -1), bn.eps);
    return folded;
  }

  /** Frees the folded tensors (the next `get` folds again). Safe to call twice. */
  release(): void {
    if (!this.folded) return;
    this.folded.filter.dispose();
    this.folded.bias.dispose();
    this.folded = null;
    this.key.length = 0;
  }

  private matches(inputs: readonly (Tensor | null)[], eps: number): boolean {
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      if ((t?.id ?? -1) !== this.key[i] || t?.isDisposed) return false;
    }
    return this.key[inputs.length] === eps;
  }
}
