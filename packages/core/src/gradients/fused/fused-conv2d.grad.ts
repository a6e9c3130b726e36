/** Gradient of fusedConv2d: the activation's derivative (through the output), then conv2d's gradients. */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { tidy } from '../../memory.js';
import { conv2dBackpropFilter, conv2dBackpropInput } from '../../ops/conv.js';
import type { FusedConv2DAttrs } from '../../ops/fused/fused-conv2d.js';
import { sum } from '../../ops/reduce.js';
import { activationGrad } from './activation-grad.js';

export const fusedConv2dGradients: readonly GradientConfig<FusedConv2DAttrs>[] = [
  {
    op: 'fusedConv2d',
    grad: (dy, [x, filter], y, needed, { conv, activation, hasBias }) =>
      tidy(() => {
        const dz = activationGrad(dy, y, activation);
        return [
          needed[0] ? conv2dBackpropInput(dz, filter, x.shape, conv) : null,
          needed[1] ? conv2dBackpropFilter(x, dz, filter.shape, conv) : null,
          hasBias && needed[2] ? sum(dz, [0, 1, 2]) : null,
        ];
      }),
  },
];
