/**
 * The argument checks every public op shares. Core checks everything a kernel relies on before any
 * backend sees the call, so the same mistake gets the same typed error, naming the op, on every backend
 * (instead of garbage on one, a RangeError on another and a crash on a third).
 */
import { DTYPES, type DType, isDType } from './dtype.js';
import { ArgumentError, DTypeError, fmtValue } from './errors.js';

export { checkShape, MAX_ELEMENTS } from './shape.js';

import { Tensor } from './tensor.js';

/** `dtype` is one of Dendrite's dtypes. */
export function checkDType(op: string, dtype: unknown, what = 'dtype'): DType {
  if (!isDType(dtype)) {
    throw new DTypeError(op, `unknown ${what} ${fmtValue(dtype)}; expected ${DTYPES.join(', ')}`);
  }
  return dtype;
}

export interface NumberRule {
  /** Must be a whole number. */
  readonly integer?: boolean;
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Largest allowed value (inclusive unless `maxExclusive`). */
  readonly max?: number;
  readonly maxExclusive?: boolean;
  /** Allow NaN and ±Infinity (values like a fill value; attributes default to finite only). */
  readonly nonFinite?: boolean;
}

function describe(rule: NumberRule): string {
  const parts = [rule.integer ? 'an integer' : rule.nonFinite ? 'a number' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`${rule.minExclusive ? '>' : '>='} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`${rule.maxExclusive ? '<' : '<='} ${rule.max}`);
  return parts.join(' ');
}

/** An attribute that must be a number under `rule` (finite unless the rule allows otherwise). */
export function checkNumber(op: string, name: string, v: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof v === 'number' &&
    (rule.nonFinite || Number.isFinite(v)) &&
    (!rule.integer || Number.isSafeInteger(v)) &&
    (rule.min === undefined || (rule.minExclusive ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? v < rule.max : v <= rule.max));
  if (!ok) throw new ArgumentError(op, `${name} is ${fmtValue(v)}; expected ${describe(rule)}`);
  return v as number;
}

/** A boolean flag. */
export function checkBoolean(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new ArgumentError(op, `${name} is ${fmtValue(v)}; expected true or false`);
  return v;
}

/** `t` is a live Tensor (not a number, an array, another library's tensor or a disposed one). */
export function checkTensor(op: string, name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) {
    throw new ArgumentError(op, `${name} is ${fmtValue(t)}; expected a Tensor`);
  }
  t.assertLive(op);
  return t;
}

/** `t` is a float32 Tensor. */
export function checkFloatTensor(op: string, name: string, t: unknown): Tensor {
  const x = checkTensor(op, name, t);
  if (x.dtype !== 'float32') {
    throw new DTypeError(op, `${name} is ${x.dtype}[${x.shape.join(', ')}]; expected float32`);
  }
  return x;
}
