/** Records an executed op on the autograd tape, when grad mode is on and an input requires grad. */
import { engine } from '../engine.js';
import { Tensor } from '../tensor.js';
import type { GradFn, GradNode } from './grad-node.js';

/**
 * Whether the op's gradient reads its inputs back. Ops whose gradient needs only `dy` (add, sub, reshape…)
 * say `false`, so their inputs' memory is not held until backward. The output is always saved: it is
 * alive anyway while the graph is, and gives the gradient its shape.
 */
export interface Saves {
  readonly inputs?: boolean;
}

/** A second handle on `t`'s storage, owned by the graph and exempt from scopes. */
export function shareHandle(t: Tensor): Tensor {
  t.storage.refs++;
  const h = new Tensor(t.storage, t.shape, t.dtype);
  h.kept = true;
  engine.detachFromScopes(h);
  return h;
}

export function record(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  gradFn: GradFn,
  saves: Saves = { inputs: true },
): void {
  if (!engine.gradEnabled || output.dtype !== 'float32') return;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return;
  const parents = inputs.map((t) => {
    if (t.node) {
      t.node.refs++;
      return t.node;
    }
    return t.requiresGrad ? t : null;
  });
  const node: GradNode = {
    op,
    parents,
    gradFn,
    saved: {
      inputs: saves.inputs === false ? [] : inputs.map(shareHandle),
      output: shareHandle(output),
    },
    refs: 1,
  };
  output.node = node;
}
