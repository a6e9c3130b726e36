/** The element types a tensor can hold. `bool` is stored as one byte per element (0 or 1). */
export type DType = 'float32' | 'int32' | 'bool';

export type DataArray = Float32Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'int32' || x === 'bool';
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** A new zero-filled array of the storage type used for `dtype`. */
export function allocArray(dtype: DType, size: number): DataArray {
  if (dtype === 'float32') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  return new Uint8Array(size);
}

/** Copies (and converts) plain numbers or a typed array into the storage type of `dtype`. */
export function toDataArray(values: ArrayLike<number | boolean>, dtype: DType): DataArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  } else if (dtype === 'int32') {
    // Truncate toward zero, as C and ONNX's Cast do.
    for (let i = 0; i < values.length; i++) out[i] = Math.trunc(Number(values[i]));
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

export function arrayMatchesDType(a: DataArray, dtype: DType): boolean {
  return dtype === 'float32'
    ? a instanceof Float32Array
    : dtype === 'int32'
      ? a instanceof Int32Array
      : a instanceof Uint8Array;
}
