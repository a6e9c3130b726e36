/** `fill` and `cast`: the contract's conversions between element types, in one place. */
import type { DataArray, DType } from '../../dtype.js';

/** `value` as an element of `dtype`: bool is `value != 0`, int32 truncates toward zero. */
export function elementOf(value: number, dtype: DType): number {
  return dtype === 'bool' ? (value ? 1 : 0) : dtype === 'int32' ? Math.trunc(value) : value;
}

/** Converts `src` into `out` of `outDType`: float -> int truncates toward zero, anything -> bool is `x != 0`. */
export function cast(src: DataArray, out: DataArray, outDType: DType): void {
  const n = out.length;
  if (outDType === 'bool') for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (outDType === 'int32' && src instanceof Float32Array)
    for (let i = 0; i < n; i++) out[i] = Math.trunc(src[i]);
  else out.set(src);
}
