/**
 * Gradient clipping over a list of gradients. Both return new tensors and read nothing back: the norm
 * stays on the device, so clipping costs no synchronisation (and works on async-only backends).
 */
import * as d from '@dendrite/core';
import { ArgumentError, type Tensor } from '@dendrite/core';

/** √(Σ‖g‖²) over every gradient, as a scalar tensor. */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  if (grads.length === 0) throw new ArgumentError('globalNorm', 'needs at least one gradient');
  return d.tidy(() => d.sqrt(grads.map((g) => d.sum(d.square(g))).reduce((a, b) => d.add(a, b))));
}

/**
 * Scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ the global norm (PyTorch's
 * clip_grad_norm_): the direction is kept, the length capped at maxNorm.
 */
export function clipByGlobalNorm(grads: readonly Tensor[], maxNorm: number): Tensor[] {
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) {
    throw new ArgumentError('clipByGlobalNorm', `maxNorm must be a positive number, got ${String(maxNorm)}`);
  }
  if (grads.length === 0) return [];
  return d.tidy(() =>
    d.noGrad(() => {
      const scale = d.minimum(d.div(maxNorm, d.add(globalNorm(grads), 1e-6)), 1);
      return grads.map((g) => d.mul(g, scale));
    }),
  );
}

/** Clamps every element of every gradient into [−clipValue, clipValue]. */
export function clipByValue(grads: readonly Tensor[], clipValue: number): Tensor[] {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new ArgumentError('clipByValue', `clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  }
  return d.noGrad(() => grads.map((g) => d.clip(g, -clipValue, clipValue)));
}
