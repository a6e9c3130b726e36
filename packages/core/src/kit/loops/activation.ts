/**
 * The epilogue of fused matmul / conv: bias added along the last axis, then the activation, in place.
 * Rounding: `y + bias` rounds to float32 before the activation reads it (as the unfused add would).
 */
import type { FusedActivation } from '../../backend.js';
import type { Shape } from '../../shape.js';
import { binary } from './binary.js';

/** In place: `y += bias`, bias `[N]` along the last axis of `shape`, a single value, or any broadcastable shape. */
export function addBias(y: Float32Array, shape: Shape, bias: Float32Array, biasShape: Shape): void {
  const n = shape[shape.length - 1] ?? 1;
  if (bias.length === n && biasShape.every((d, i) => i === biasShape.length - 1 || d === 1)) {
    for (let o = 0; o < y.length; o += n) for (let j = 0; j < n; j++) y[o + j] += bias[j];
  } else if (bias.length === 1) {
    for (let i = 0; i < y.length; i++) y[i] += bias[0];
  } else {
    binary('add', y, shape, bias, biasShape, y, shape);
  }
}

/** In place: `y = activation(y)`. NaN stays NaN through relu and relu6, as through the unfused ops. */
export function activate(y: Float32Array, activation: FusedActivation): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0;
      return;
    case 'relu6':
      for (let i = 0; i < y.length; i++) y[i] = y[i] < 0 ? 0 : Math.min(y[i], 6);
      return;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) {
        // Split by sign so exp never overflows (as the unary sigmoid).
        const v = y[i];
        if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          y[i] = e / (1 + e);
        }
      }
      return;
    case 'tanh':
      for (let i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]);
      return;
  }
}
