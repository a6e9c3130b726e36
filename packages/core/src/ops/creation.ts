/** Making tensors: from values, filled, ranges, and aliases of existing storage. */
import type { DataId } from '../backend.js';
import { allocArray, arrayMatchesDType, type DataArray, type DType, toDataArray } from '../dtype.js';
import { ArgumentError, allocationError, asOp, fmtShape, fmtValue, ShapeError } from '../errors.js';
import { getBackend } from '../registry.js';
import { checkShape, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkDType, checkNumber, checkTensor } from '../validate.js';
import { backendOf, wrap } from './run-kernel.js';

export type TensorValues =
  | number
  | boolean
  | DataArray
  | readonly (number | boolean)[]
  | readonly TensorValues[];

function inferShape(values: TensorValues): number[] {
  if (typeof values === 'number' || typeof values === 'boolean') return [];
  if (ArrayBuffer.isView(values)) return [values.length];
  const shape = [values.length];
  let first = (values as readonly TensorValues[])[0];
  while (Array.isArray(first)) {
    shape.push(first.length);
    first = first[0];
  }
  return shape;
}

function flatten(values: TensorValues, out: (number | boolean)[], shape: number[], depth: number): void {
  if (!Array.isArray(values)) {
    out.push(values as number | boolean);
    return;
  }
  if (values.length !== shape[depth]) {
    throw new ShapeError(
      'tensor',
      `ragged nested array: expected ${shape[depth]} elements at depth ${depth}, got ${values.length}`,
    );
  }
  for (const v of values) flatten(v as TensorValues, out, shape, depth + 1);
}

/** Values are numbers or booleans, possibly nested in arrays, or a typed array. */
function checkValues(values: unknown): void {
  if (typeof values === 'number' || typeof values === 'boolean') return;
  if (ArrayBuffer.isView(values)) {
    if (values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array) {
      throw new ArgumentError(
        'tensor',
        `values are a ${values.constructor.name}; expected numbers or booleans`,
      );
    }
    return;
  }
  if (!Array.isArray(values)) {
    throw new ArgumentError(
      'tensor',
      `values are ${fmtValue(values)}; expected numbers, booleans or (nested) arrays of them`,
    );
  }
  for (const v of values) {
    if (typeof v !== 'number' && typeof v !== 'boolean') checkValues(v);
  }
}

function inferDType(values: TensorValues): DType {
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  let v: unknown = values;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

/**
 * A tensor on the current backend from nested arrays, a typed array or a number. The shape is inferred
 * from nesting unless given; the dtype from the values (booleans -> bool, Int32Array -> int32, else
 * float32) unless given.
 */
export function tensor(values: TensorValues, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined) checkDType('tensor', dtype);
  if (shape !== undefined) checkShape('tensor', shape);
  checkValues(values);
  const dt = dtype ?? inferDType(values);
  let flat: DataArray;
  const inferred = inferShape(values);
  if (ArrayBuffer.isView(values)) {
    flat = arrayMatchesDType(values, dt) ? (values.slice() as DataArray) : toDataArray(values, dt);
  } else if (typeof values === 'number' || typeof values === 'boolean') {
    flat = toDataArray([values], dt);
  } else {
    const out: (number | boolean)[] = [];
    flatten(values, out, inferred, 0);
    flat = toDataArray(out, dt);
  }
  const finalShape = shape ?? inferred;
  checkShape('tensor', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(
      'tensor',
      `${flat.length} values cannot fill shape ${fmtShape(finalShape)} (${sizeOf(finalShape)} elements)`,
    );
  }
  const backend = getBackend();
  let id: DataId;
  try {
    id = backend.upload(flat, dt);
  } catch (e) {
    throw allocationError('tensor', e, fmtShape(finalShape));
  }
  return wrap(backend, id, { shape: finalShape, dtype: dt });
}

export function scalar(
  value: number | boolean,
  dtype: DType = typeof value === 'boolean' ? 'bool' : 'float32',
): Tensor {
  return asOp('scalar', () => tensor(value, [], dtype));
}

/** A tensor of `shape` filled with `value`, on the backend of `like` (or the current backend). */
export function full(shape: Shape, value: number, dtype: DType = 'float32', like?: Tensor): Tensor {
  return fullAs('full', shape, value, dtype, like);
}

/** `full` reporting errors under the op the user called (zeros, ones, fullLike…). */
function fullAs(op: string, shape: Shape, value: number, dtype: DType, like?: Tensor): Tensor {
  checkShape(op, shape);
  checkDType(op, dtype);
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ArgumentError(op, `value is ${fmtValue(value)}; expected a number`);
  }
  const backend = like ? backendOf(op, [like]) : getBackend();
  const out = { shape, dtype };
  let id: DataId;
  try {
    id = backend.fill(value, out);
  } catch (e) {
    throw allocationError(op, e, fmtShape(shape));
  }
  return wrap(backend, id, out);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fullAs('zeros', shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fullAs('ones', shape, 1, dtype);
}

export function fullLike(x: Tensor, value: number, dtype: DType = x?.dtype): Tensor {
  checkTensor('fullLike', 'x', x);
  return fullAs('fullLike', x.shape, value, dtype, x);
}

export function zerosLike(x: Tensor): Tensor {
  checkTensor('zerosLike', 'x', x);
  return fullAs('zerosLike', x.shape, 0, x.dtype, x);
}

export function onesLike(x: Tensor): Tensor {
  checkTensor('onesLike', 'x', x);
  return fullAs('onesLike', x.shape, 1, x.dtype, x);
}

/** `[start, start + step, …]` below `stop` (like Python's range); one argument means `[0, stop)`. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  const op = 'arange';
  checkNumber(op, 'start', start);
  checkNumber(op, 'stop', stop);
  checkNumber(op, 'step', step);
  checkDType(op, dtype);
  if (step === 0) throw new ArgumentError(op, 'step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkShape(op, [n], 'length');
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return asOp(op, () => tensor(values, [n], dtype));
}

/** A second handle on the same storage (no copy, no autograd link). */
export function alias(t: Tensor, shape: Shape = t?.shape): Tensor {
  checkTensor('alias', 't', t).assertLive('alias');
  t.storage.refs++;
  return new Tensor(t.storage, shape, t.dtype);
}

/** A tensor that shares `x`'s values but is cut off from the graph (no gradient flows through it). */
export function detach(x: Tensor): Tensor {
  return asOp('detach', () => alias(x));
}
