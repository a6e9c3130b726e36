/** Adam (with AMSGrad) and AdamW, PyTorch's rules, on core's fused `optimizerUpdate('adam')`. */

import type { Tensor } from '@dendrite/core';
import * as d from '@dendrite/core';
import { finiteAtLeast, unitInterval } from './hyper.js';
import { type FusedRule, Optimizer, type ParamState } from './optimizer.js';
import type { ParameterSet } from './parameter-ref.js';

export interface AdamOptions {
  /** default 1e-3 */
  readonly lr?: number;
  /** default 0.9 */
  readonly beta1?: number;
  /** default 0.999 */
  readonly beta2?: number;
  /** default 1e-8 */
  readonly eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  readonly weightDecay?: number;
  /** keep the running maximum of v (Reddi et al. 2018); default false */
  readonly amsgrad?: boolean;
}

/** The update both share; they differ in how weight decay enters. */
abstract class AdamFamily extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;

  protected constructor(
    name: string,
    params: ParameterSet,
    options: AdamOptions,
    /** AdamW: p ← p·(1 − lr·weightDecay) before the Adam step, instead of adding weightDecay·p to g */
    private readonly decoupled: boolean,
  ) {
    super(name, params, options.lr ?? 1e-3);
    this.beta1 = unitInterval(name, 'beta1', options.beta1 ?? 0.9);
    this.beta2 = unitInterval(name, 'beta2', options.beta2 ?? 0.999);
    this.eps = finiteAtLeast(name, 'eps', options.eps ?? 1e-8, 0);
    this.weightDecay = finiteAtLeast(name, 'weightDecay', options.weightDecay ?? (decoupled ? 0.01 : 0), 0);
    this.amsgrad = options.amsgrad ?? false;
  }

  bufferNames(): string[] {
    return this.amsgrad ? ['m', 'v', 'vMax'] : ['m', 'v'];
  }

  protected initialBuffers(param: Tensor): Tensor[] {
    return this.bufferNames().map(() => d.zerosLike(param));
  }

  protected override fusedRule(): FusedRule {
    return {
      kind: 'adam',
      hyper: (state: ParamState) => ({
        lr: this.lr,
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
        weightDecay: this.weightDecay,
        decoupledWeightDecay: this.decoupled,
        amsgrad: this.amsgrad,
        step: state.step,
      }),
    };
  }
}

/**
 * m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps).
 * PyTorch adds eps after bias-correcting √v, and so does this. With `amsgrad`, √v uses max(vMax, v).
 * Weight decay is an L2 penalty added to g.
 */
export class Adam extends AdamFamily {
  constructor(params: ParameterSet, options: AdamOptions = {}) {
    super('Adam', params, options, false);
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019): p ← p·(1 − lr·weightDecay), then the Adam
 * step with the raw gradient. weightDecay defaults to 0.01, as in PyTorch.
 */
export class AdamW extends AdamFamily {
  constructor(params: ParameterSet, options: AdamOptions = {}) {
    super('AdamW', params, options, true);
  }
}
