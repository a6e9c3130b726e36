/**
 * What an activation is, and the argument checks every activation shares, so each error names the
 * activation, what it received and what it expected.
 */
import { ArgumentError, DTypeError, type Tensor } from '@dendrite/core';

/** An elementwise (or, for softmax, per-axis) differentiable function of one tensor. */
export type Activation = (x: Tensor) => Tensor;

const fmtShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Activations are differentiable, so they take float32 tensors only. */
export function expectFloat(op: string, x: Tensor): void {
  x.assertLive(op);
  if (x.dtype !== 'float32') {
    throw new DTypeError(op, `got ${x.dtype}${fmtShape(x.shape)}; expected float32`);
  }
}

/** A hyper-parameter that must be a finite number. */
export function expectFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArgumentError(op, `${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** A hyper-parameter that must be a finite number above zero. */
export function expectPositive(op: string, name: string, value: unknown): number {
  if (expectFinite(op, name, value) <= 0) {
    throw new ArgumentError(op, `${name} must be greater than 0, got ${String(value)}`);
  }
  return value as number;
}

/** A hyper-parameter that must be an integer (an axis). */
export function expectInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ArgumentError(op, `${name} must be an integer, got ${String(value)}`);
  }
  return value;
}
