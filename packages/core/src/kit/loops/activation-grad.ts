/**
 * The fusedActivationGrad kernel: `dy · act'(z)` through the activation's output y, one pass. Each product
 * and difference rounds to float32 (Math.fround) in the order of core's composition, so the result is the
 * composition's bit for bit: float32 arithmetic done in double and rounded once is exact for + − ×.
 */
import type { FusedActivation } from '../../backend.js';

const f = Math.fround;

export function activationGrad(
  dy: Float32Array,
  y: Float32Array,
  activation: FusedActivation,
  out: Float32Array,
): void {
  const n = out.length;
  switch (activation) {
    case 'linear':
      out.set(dy.subarray(0, n));
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = dy[i] * (y[i] > 0 ? 1 : 0);
      return;
    case 'relu6':
      for (let i = 0; i < n; i++) out[i] = dy[i] * (y[i] > 0 && y[i] < 6 ? 1 : 0);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = y[i];
        out[i] = dy[i] * f(v * f(1 - v));
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const v = y[i];
        out[i] = dy[i] * f(1 - f(v * v));
      }
      return;
  }
}
