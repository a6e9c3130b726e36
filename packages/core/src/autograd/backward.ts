/**
 * Reverse-mode differentiation over the recorded graph: visit nodes in reverse topological order, call
 * each node's gradient (written with ops, so it runs on any backend), sum gradients that meet, and hand
 * the result to the leaves. Runs with grad mode off inside its own scope, so every intermediate gradient
 * is freed; only the leaves' gradients survive.
 */
import { engine } from '../engine.js';
import { DisposedError, DTypeError, fmtShape, ShapeError } from '../errors.js';
import { ALL_GRADIENTS } from '../gradients/all-gradients.js';
import { add } from '../ops/arithmetic.js';
import { alias, onesLike } from '../ops/creation.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { freeSaved, type GradNode, isGradNode } from './grad-node.js';
import { gradientOf, registerGradients } from './gradient-registry.js';

function topologicalOrder(root: GradNode): GradNode[] {
  const order: GradNode[] = [];
  const visited = new Set<GradNode>();
  // Iterative post-order DFS: long recurrent graphs would overflow a recursive one.
  const stack: [GradNode, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.parents.length) {
      top[1]++;
      const p = node.parents[i];
      if (isGradNode(p) && !visited.has(p)) {
        visited.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order; // parents before children
}

/**
 * With `targets`, which parents a gradient must flow to: a target leaf, or a node with one among its
 * ancestors. Everything else is skipped, as PyTorch's `autograd.grad(inputs=…)` does: a GAN's generator
 * update runs backward through the discriminator, whose own weights need no gradient there (in W9 that
 * skipped the 784×256 weight gradient of its first layer, a quarter of the generator update's GEMM work).
 * `order` lists parents before children.
 */
function nodesLeadingTo(
  order: readonly GradNode[],
  targets: ReadonlySet<Tensor>,
): (parent: GradNode | Tensor | null) => boolean {
  const leading = new Set<GradNode>();
  const leads = (p: GradNode | Tensor | null): boolean =>
    p !== null && (isGradNode(p) ? leading.has(p) : targets.has(p));
  for (const node of order) if (node.parents.some(leads)) leading.add(node);
  return leads;
}

/**
 * Computes gradients of `root` (with upstream gradient `dy`, default ones for a scalar).
 * Without `targets`, accumulates into `.grad` of every leaf that requires grad. With `targets`, returns
 * their gradients instead (zeros-free: a target the root does not depend on gets null) and touches no
 * `.grad`.
 */
export function backward(root: Tensor, dy?: Tensor, targets?: readonly Tensor[]): (Tensor | null)[] {
  root.assertLive('backward');
  if (!root.requiresGrad) {
    throw new DTypeError(
      'backward',
      'this tensor does not require grad: no input of the ops that made it had requiresGrad',
    );
  }
  if (!dy && root.size !== 1) {
    throw new ShapeError(
      'backward',
      `an implicit upstream gradient needs a one-element tensor, got ${fmtShape(root.shape)}; pass dy of that shape`,
    );
  }
  if (dy && !shapesEqual(dy.shape, root.shape)) {
    throw new ShapeError(
      'backward',
      `dy has shape ${fmtShape(dy.shape)}; expected the root's shape ${fmtShape(root.shape)}`,
    );
  }
  const targetGrads = new Map<Tensor, Tensor>();
  const scope = engine.beginScope('backward');
  const wasEnabled = engine.gradEnabled;
  engine.gradEnabled = false;
  const order = root.node ? topologicalOrder(root.node) : [];
  const leads = targets ? nodesLeadingTo(order, new Set(targets)) : null;
  // Everything made below belongs to this scope, in the async context too (engine.runInScope).
  return engine.runInScope(scope, () => {
    try {
      for (const node of order) {
        if (!node.saved) {
          throw new DisposedError(
            'backward',
            `the graph through '${node.op}' was already freed: call backward() once per forward pass`,
          );
        }
      }
      const accumulateLeaf = (leaf: Tensor, g: Tensor) => {
        if (targets) {
          if (!targets.includes(leaf)) return;
          const prev = targetGrads.get(leaf);
          targetGrads.set(leaf, prev ? add(prev, g) : g);
          return;
        }
        if (leaf.isDisposed) return;
        const sum = leaf.grad ? add(leaf.grad, g) : g;
        leaf.grad?.dispose();
        sum.kept = true;
        engine.detachFromScopes(sum);
        leaf.grad = sum;
      };
      // Gradients handed on must belong to this scope: alias anything owned elsewhere (the caller's dy, a
      // saved value a gradient function returned as it is).
      const owned = (t: Tensor) => (t === dy || t.kept ? alias(t) : t);
      const seed = dy ? alias(dy) : onesLike(root);
      if (!root.node) {
        accumulateLeaf(root, seed);
      } else {
        const pending = new Map<GradNode, Tensor>([[root.node, seed]]);
        for (let k = order.length - 1; k >= 0; k--) {
          const node = order[k];
          const g = pending.get(node);
          if (!g) continue;
          pending.delete(node);
          if (leads && !leads(node)) continue; // only the root can get here: no target depends on it
          const saved = node.saved!;
          const needed = node.parents.map((p) => (leads ? leads(p) : p !== null));
          const inputGrads = gradientOf(node.op)!.grad(g, saved.inputs, saved.output, needed, node.attrs);
          node.parents.forEach((parent, i) => {
            if (!parent || !inputGrads[i]) return;
            const gi = owned(inputGrads[i]!);
            const expected = isGradNode(parent) ? parent.saved!.output.shape : parent.shape;
            if (!shapesEqual(gi.shape, expected)) {
              throw new ShapeError(
                'backward',
                `gradient of '${node.op}' for input ${i} has shape ${fmtShape(gi.shape)}; expected ${fmtShape(expected)}`,
              );
            }
            if (isGradNode(parent)) {
              const prev = pending.get(parent);
              pending.set(parent, prev ? add(prev, gi) : gi);
            } else {
              accumulateLeaf(parent, gi);
            }
          });
        }
      }
      const result = targets ? targets.map((t) => targetGrads.get(t) ?? null) : [];
      const keepers = new Set(result.filter((t): t is Tensor => t !== null));
      engine.gradEnabled = wasEnabled;
      engine.endScope(scope, keepers);
      return result;
    } catch (e) {
      engine.gradEnabled = wasEnabled;
      engine.endScope(scope, new Set());
      throw e;
    } finally {
      // The graph is consumed (as PyTorch does without retain_graph): free what it saved.
      for (const node of order) freeSaved(node);
    }
  });
}

registerGradients(ALL_GRADIENTS);
// `Tensor.backward()` reaches this through the engine (the Tensor class does not import autograd).
engine.backward = (root, dy) => {
  backward(root, dy);
};
