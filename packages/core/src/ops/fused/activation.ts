/** The activations a fused kernel applies in its epilogue (fusedMatmul, fusedConv2d), as ops. */
import type { FusedActivation } from '../../backend.js';
import { ArgumentError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { clip } from '../clip.js';
import { relu, sigmoid, tanh } from '../unary.js';

export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'];

/** The activation, defaulting to linear, or an ArgumentError naming `op`. */
export function checkActivation(op: string, activation: FusedActivation | undefined): FusedActivation {
  const a = activation ?? 'linear';
  if (!FUSED_ACTIVATIONS.includes(a)) {
    throw new ArgumentError(
      op,
      `unknown activation '${String(a)}'; expected ${FUSED_ACTIVATIONS.join(', ')}`,
    );
  }
  return a;
}

export function activate(z: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return relu(z);
    case 'relu6':
      return clip(z, 0, 6);
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return tanh(z);
  }
}
