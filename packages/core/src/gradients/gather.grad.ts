/** Gradients of gather and scatter-add, each the other's adjoint. Indices get no gradient. */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { type GatherAttrs, gather, scatterAdd } from '../ops/gather.js';

export const gatherGradients: readonly GradientConfig[] = [
  {
    op: 'gather',
    grad: (dy, [, indices], _y, _n, { axis, inShape }: GatherAttrs) => [
      scatterAdd(dy, indices, axis, inShape),
      null,
    ],
  },
  {
    op: 'scatterAdd',
    grad: (dy, [, indices], _y, _n, { axis }: GatherAttrs) => [gather(dy, indices, axis), null],
  },
];
