/** Gradient of `where`: each branch gets `dy` where it was chosen (summed back over its broadcast axes). */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { type WhereAttrs, where } from '../ops/compare.js';
import { full } from '../ops/creation.js';
import { sumTo } from '../ops/reduce.js';

export const whereGradients: readonly GradientConfig[] = [
  {
    op: 'where',
    // The other branch's zero is one element (broadcast by where), not a zeros tensor of dy's size: the
    // same +0 everywhere, one small fill shared by both branches.
    grad: (dy, [c], _y, needed, { aShape, bShape }: WhereAttrs) => {
      if (!needed[1] && !needed[2]) return [null, null, null];
      const zero = full([], 0, dy.dtype, dy);
      return [
        null,
        needed[1] ? sumTo(where(c, dy, zero), aShape) : null,
        needed[2] ? sumTo(where(c, zero, dy), bShape) : null,
      ];
    },
  },
];
