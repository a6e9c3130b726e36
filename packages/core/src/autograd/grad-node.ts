/**
 * A node of the define-by-run autograd graph: the op that produced a tensor, its parents (the nodes or
 * leaves its inputs came from) and the values its gradient needs. Nodes are reference counted like
 * PyTorch's: a node lives while a tensor it produced, or a child node, is alive; when the count reaches
 * zero its saved values are released and its parents are released in turn.
 */
import type { Tensor } from '../tensor.js';

/**
 * Gradient of one op, written with ops: given the upstream gradient `dy` (shape of the output), the saved
 * inputs, the saved output, which inputs need a gradient at all and the op's attributes (what the forward
 * call resolved: axes, strides, the input shapes it needs…), returns one gradient per input (null where
 * there is none or none is needed).
 */
export type GradFn<A = any> = (
  dy: Tensor,
  inputs: readonly Tensor[],
  output: Tensor,
  needed: readonly boolean[],
  attrs: A,
) => readonly (Tensor | null | undefined)[];

export interface GradNode {
  /** The gradient's key in the gradient registry (usually the op's name). */
  readonly op: string;
  /** The forward call's attributes, handed to the gradient. */
  readonly attrs: unknown;
  /** Per input: the node that produced it, the leaf tensor itself, or null if no gradient flows there. */
  readonly parents: readonly (GradNode | Tensor | null)[];
  /** Saved handles; null once freed (after backward, or when nothing needs the node any more). */
  saved: { readonly inputs: readonly Tensor[]; readonly output: Tensor } | null;
  refs: number;
}

export function isGradNode(x: GradNode | Tensor | null): x is GradNode {
  return x !== null && 'parents' in x;
}

export function freeSaved(node: GradNode): void {
  if (!node.saved) return;
  for (const t of node.saved.inputs) t.dispose();
  node.saved.output.dispose();
  node.saved = null;
}

/** Drops one reference; frees the node's saved values and releases its parents when none remain. */
export function releaseNode(node: GradNode): void {
  // Iterative, because a long recurrent graph would overflow the stack.
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (--n.refs > 0) continue;
    freeSaved(n);
    for (const p of n.parents) if (isGradNode(p)) stack.push(p);
  }
}
