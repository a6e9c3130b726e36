/** Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay (PyTorch's rule). */
import * as d from '@dendrite/core';
import { ArgumentError, type Tensor } from '@dendrite/core';
import { finiteAtLeast } from './hyper.js';
import { type FusedRule, Optimizer, type ParamState } from './optimizer.js';
import type { ParameterSet } from './parameter-ref.js';

export interface SGDOptions {
  readonly lr: number;
  /** default 0 (plain SGD) */
  readonly momentum?: number;
  /** default 0 */
  readonly dampening?: number;
  /** default false; needs momentum > 0 and dampening 0 */
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient (default 0) */
  readonly weightDecay?: number;
}

/**
 * g ← g + weightDecay·p; with momentum: buf ← g on the first step, then momentum·buf + (1 − dampening)·g,
 * and the step direction is buf (or g + momentum·buf with Nesterov); p ← p − lr·direction. Runs on core's
 * `optimizerUpdate('sgd')`, a fused kernel where the backend has one.
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: ParameterSet, options: SGDOptions) {
    super('SGD', params, options.lr);
    this.momentum = finiteAtLeast('SGD', 'momentum', options.momentum ?? 0, 0);
    this.dampening = finiteAtLeast('SGD', 'dampening', options.dampening ?? 0, 0);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = finiteAtLeast('SGD', 'weightDecay', options.weightDecay ?? 0, 0);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ArgumentError(
        'SGD',
        `Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${this.momentum}, dampening ${this.dampening}`,
      );
    }
  }

  bufferNames(): string[] {
    return this.momentum > 0 ? ['momentumBuffer'] : [];
  }

  protected initialBuffers(param: Tensor): Tensor[] {
    // The kernel ignores the buffer's values on the first step (it starts as the gradient).
    return this.momentum > 0 ? [d.zerosLike(param)] : [];
  }

  protected override fusedRule(): FusedRule {
    return {
      kind: 'sgd',
      hyper: (state: ParamState) => ({
        lr: this.lr,
        momentum: this.momentum,
        dampening: this.dampening,
        nesterov: this.nesterov,
        weightDecay: this.weightDecay,
        firstStep: state.step === 1,
      }),
    };
  }
}
