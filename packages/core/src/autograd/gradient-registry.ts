/**
 * Gradients keyed by op name, as tfjs-core's `registerGradient`: each op family's gradients live in
 * `gradients/<family>.grad.ts`, written with forward ops, and register here, so forward ops never import
 * their gradients (they form a DAG) and every backend inherits them. Recording an op looks its gradient
 * up to know whether to record at all and whether to keep its inputs.
 */
import { engine } from '../engine.js';
import type { GradFn } from './grad-node.js';

export interface GradientConfig<A = any> {
  /** The key the forward call records under (usually the op's name). */
  readonly op: string;
  /**
   * Whether the gradient reads the op's inputs back (default true). Ops whose gradient needs only `dy`
   * and the attributes (add, reshape, slice…) say false, so their inputs' memory is not held until
   * backward. The output is always saved: it is alive anyway while the graph is.
   */
  readonly savesInputs?: boolean;
  readonly grad: GradFn<A>;
}

export function registerGradients(configs: readonly GradientConfig[]): void {
  for (const c of configs) engine.gradients.set(c.op, c);
}

/** The registered gradient of `op`, if it is differentiable. */
export function gradientOf(op: string): GradientConfig | undefined {
  return engine.gradients.get(op);
}
