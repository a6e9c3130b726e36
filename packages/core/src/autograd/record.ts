/** Records an executed op on the autograd tape, when grad mode is on and an input requires grad. */
import { engine } from '../engine.js';
import { Tensor } from '../tensor.js';
import type { GradNode } from './grad-node.js';
import { gradientOf } from './gradient-registry.js';

/** A second handle on `t`'s storage, owned by the graph and exempt from scopes. */
export function shareHandle(t: Tensor): Tensor {
  t.storage.refs++;
  const h = new Tensor(t.storage, t.shape, t.dtype);
  h.kept = true;
  engine.detachFromScopes(h);
  return h;
}

/**
 * Puts `output` on the tape under `op` (the key of its registered gradient) with the attributes the
 * gradient needs. Ops without a registered gradient (comparisons, casts to int, argmax…) are not
 * recorded: no gradient flows through them.
 */
export function record(op: string, inputs: readonly Tensor[], output: Tensor, attrs?: unknown): void {
  if (!engine.gradEnabled || output.dtype !== 'float32') return;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return;
  const gradient = gradientOf(op);
  if (!gradient) return;
  const parents = inputs.map((t) => {
    if (t.node) {
      t.node.refs++;
      return t.node;
    }
    return t.requiresGrad ? t : null;
  });
  const node: GradNode = {
    op,
    attrs,
    parents,
    saved: {
      inputs: gradient.savesInputs === false ? [] : inputs.map(shareHandle),
      output: shareHandle(output),
    },
    refs: 1,
  };
  output.node = node;
}
