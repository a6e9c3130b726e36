/**
 * Gradients of conv2d and of its two gradient kernels (so second derivatives work): each is one of the
 * other two, with the same resolved attributes.
 */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import type { Conv2DAttrs } from '../backend.js';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dResolved } from '../ops/conv.js';

export const convGradients: readonly GradientConfig<Conv2DAttrs>[] = [
  {
    op: 'conv2d',
    grad: (dy, [x, filter], _y, needed, attrs) => [
      needed[0] ? conv2dBackpropInput(dy, filter, x.shape, attrs) : null,
      needed[1] ? conv2dBackpropFilter(x, dy, filter.shape, attrs) : null,
    ],
  },
  {
    op: 'conv2dBackpropInput',
    grad: (g, [dy, filter], _y, needed, attrs) => [
      needed[0] ? conv2dResolved(g, filter, attrs, dy.shape) : null,
      needed[1] ? conv2dBackpropFilter(g, dy, filter.shape, attrs) : null,
    ],
  },
  {
    op: 'conv2dBackpropFilter',
    grad: (g, [x, dy], _y, needed, attrs) => [
      needed[0] ? conv2dBackpropInput(dy, g, x.shape, attrs) : null,
      needed[1] ? conv2dResolved(x, g, attrs, dy.shape) : null,
    ],
  },
];
