/** Adagrad (PyTorch's rule, with learning-rate decay), composed from core ops. */

import type { Tensor } from '@dendrite/core';
import * as d from '@dendrite/core';
import { finiteAtLeast } from './hyper.js';
import { Optimizer, type ParamState } from './optimizer.js';
import type { ParameterSet } from './parameter-ref.js';

export interface AdagradOptions {
  /** default 0.01 */
  readonly lr?: number;
  /** default 0: the step t uses lr / (1 + (t − 1)·lrDecay) */
  readonly lrDecay?: number;
  /** L2 penalty added to the gradient (default 0) */
  readonly weightDecay?: number;
  /** starting value of the squared-gradient sum (default 0) */
  readonly initialAccumulatorValue?: number;
  /** default 1e-10, added outside the square root */
  readonly eps?: number;
}

/** sum ← sum + g²; p ← p − lr/(1 + (t − 1)·lrDecay) · g / (√sum + eps). */
export class Adagrad extends Optimizer {
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly initialAccumulatorValue: number;
  readonly eps: number;

  constructor(params: ParameterSet, options: AdagradOptions = {}) {
    super('Adagrad', params, options.lr ?? 0.01);
    this.lrDecay = finiteAtLeast('Adagrad', 'lrDecay', options.lrDecay ?? 0, 0);
    this.weightDecay = finiteAtLeast('Adagrad', 'weightDecay', options.weightDecay ?? 0, 0);
    this.initialAccumulatorValue = finiteAtLeast(
      'Adagrad',
      'initialAccumulatorValue',
      options.initialAccumulatorValue ?? 0,
      0,
    );
    this.eps = finiteAtLeast('Adagrad', 'eps', options.eps ?? 1e-10, 0);
  }

  bufferNames(): string[] {
    return ['sum'];
  }

  protected initialBuffers(param: Tensor): Tensor[] {
    return [d.fullLike(param, this.initialAccumulatorValue)];
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState) {
    const g = this.weightDecay !== 0 ? d.add(grad, d.mul(param, this.weightDecay)) : grad;
    const sum = d.add(state.buffers[0], d.square(g));
    const clr = this.lr / (1 + (state.step - 1) * this.lrDecay);
    const next = d.sub(param, d.mul(d.div(g, d.add(d.sqrt(sum), this.eps)), clr));
    return { param: next, buffers: [sum] };
  }
}
