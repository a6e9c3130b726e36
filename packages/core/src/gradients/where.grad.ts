/** Gradient of `where`: each branch gets `dy` where it was chosen (summed back over its broadcast axes). */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { type WhereAttrs, where } from '../ops/compare.js';
import { zerosLike } from '../ops/creation.js';
import { sumTo } from '../ops/reduce.js';

export const whereGradients: readonly GradientConfig[] = [
  {
    op: 'where',
    grad: (dy, [c], _y, needed, { aShape, bShape }: WhereAttrs) => {
      const zero = zerosLike(dy);
      return [
        null,
        needed[1] ? sumTo(where(c, dy, zero), aShape) : null,
        needed[2] ? sumTo(where(c, zero, dy), bShape) : null,
      ];
    },
  },
];
