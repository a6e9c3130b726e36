/** Checks of optimizer and schedule hyper-parameters, so a bad one fails at construction, named. */
import { ArgumentError } from '@dendrite/core';

export function finiteAtLeast(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ArgumentError(op, `${name} must be a finite number ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** A number in [0, 1) (betas, decay rates, momentum coefficients of averages). */
export function unitInterval(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ArgumentError(op, `${name} must be in [0, 1), got ${String(value)}`);
  }
  return value;
}

export function positiveInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ArgumentError(op, `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
