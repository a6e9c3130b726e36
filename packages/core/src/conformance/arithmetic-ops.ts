/**
 * The binary arithmetic ops by name, one table for every check that sweeps them all (the fused
 * binaryScalar checks, the PyTorch `binaryScalar` fixtures), so an op added to the family is checked
 * everywhere at once.
 */
import { add, div, maximum, minimum, mul, pow, sub } from '../ops/arithmetic.js';
import type { TensorLike } from '../ops/operands.js';
import type { Tensor } from '../tensor.js';

export const ARITHMETIC_OPS: Readonly<Record<string, (a: TensorLike, b: TensorLike) => Tensor>> = {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
};
