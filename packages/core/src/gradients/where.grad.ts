/** Gradient of `where`: each branch gets `dy` where it was chosen (summed back over its broadcast axes). */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { type WhereAttrs, where } from '../ops/compare.js';
import { sumTo } from '../ops/reduce.js';

export const whereGradients: readonly GradientConfig[] = [
  {
    op: 'where',
    // The other branch's zero is a number (one element, broadcast by where), not a zeros tensor of dy's
    // size: the same +0 everywhere, one small fill instead of a full one.
    grad: (dy, [c], _y, needed, { aShape, bShape }: WhereAttrs) => [
      null,
      needed[1] ? sumTo(where(c, dy, 0), aShape) : null,
      needed[2] ? sumTo(where(c, 0, dy), bShape) : null,
    ],
  },
];
