/** Parsing of command-line values, with errors that say what was expected. */
import { ArgumentError } from '@dendrite/core';

/** `'28x28x1'` -> `[28, 28, 1]`; `'64'` -> `[64]`. */
export function parseShape(text: string, option = '--input'): number[] {
  const dims = text.split(/[x,×]/).map((s) => Number(s.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ArgumentError(
      option,
      `'${text}' is not a shape: expected positive integers such as 28x28x1 or 64`,
    );
  }
  return dims;
}

export function parsePositiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new ArgumentError(option, `'${text}' must be a positive integer`);
  }
  return n;
}

export function parseNonNegativeInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new ArgumentError(option, `'${text}' must be a non-negative integer`);
  }
  return n;
}

export function parsePositiveNumber(text: string, option: string): number {
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0)) throw new ArgumentError(option, `'${text}' must be a positive number`);
  return n;
}
