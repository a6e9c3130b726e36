/** Argument checks shared by the package's public functions; each error names the caller. */
import { ArgumentError } from '@dendrite/core';

export function checkPositiveInt(op: string, name: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new ArgumentError(op, `${name} must be a positive integer, got ${value}`);
  }
}

export function checkNonNegative(op: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ArgumentError(op, `${name} must be a finite number >= 0, got ${value}`);
  }
}

export function checkIndex(op: string, index: number, length: number): void {
  if (!(Number.isInteger(index) && index >= 0 && index < length)) {
    throw new ArgumentError(op, `index ${index} is out of range for a data set of length ${length}`);
  }
}
