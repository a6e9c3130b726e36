/** The derivative of a fused epilogue activation, shared by fusedMatmul's and fusedConv2d's gradients. */
import type { FusedActivation } from '../../backend.js';
import { fusedActivationGrad } from '../../ops/fused/activation-gradient.js';
import type { Tensor } from '../../tensor.js';

/** d activation / dz expressed through the output y (so z need not be kept): one fused op. */
export function activationGrad(dy: Tensor, y: Tensor, activation: FusedActivation): Tensor {
  return fusedActivationGrad(dy, y, activation);
}
