/**
 * Tensors on the host, between TensorProto and Dendrite: the values of initializers and constants, and the
 * shape arithmetic folded at load time. Floats are a Float32Array; every integer type is read into a
 * Float64Array (exact up to 2^53, which covers any real index or dim); bools are a Uint8Array.
 */
import { OnnxDecodeError, OnnxGraphError } from '../errors.js';
import { DataType, int64, type TensorProto } from './onnx-proto.js';

export type HostKind = 'float' | 'int' | 'bool';

export interface HostTensor {
  readonly kind: HostKind;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | Uint8Array;
  /** The ONNX element type it came from (kept for Cast, Shape and graph outputs). */
  readonly dataType: number;
}

/** The most elements one tensor may have (2^28: 1 GiB of float32), checked before anything is allocated. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

const BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
};

export const kindOfDataType = (dt: number): HostKind | null =>
  dt === DataType.FLOAT || dt === DataType.DOUBLE || dt === DataType.FLOAT16
    ? 'float'
    : dt === DataType.BOOL
      ? 'bool'
      : BYTES[dt] !== undefined
        ? 'int'
        : null;

/**
 * The most elements a tensor computed on the host may have (2^24): shape arithmetic is small, and a
 * graph that folds to something huge (ConstantOfShape of absurd dims) is refused, not allocated.
 */
export const MAX_HOST_ELEMENTS = 2 ** 24;

/** Checks dims (non-negative integers, a bounded product) and returns the element count. */
export function checkDims(op: string, dims: readonly number[], limit = MAX_TENSOR_ELEMENTS): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new OnnxGraphError(op, `dims [${dims.join(', ')}] must be non-negative integers`);
    }
    n *= d;
    if (n > limit) {
      throw new OnnxGraphError(op, `dims [${dims.join(', ')}] give more than ${limit} elements; refused`);
    }
  }
  return n;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Reads a TensorProto's values (raw_data or the typed fields), after checking its size adds up. */
export function fromTensorProto(t: TensorProto, where = `tensor '${t.name ?? ''}'`): HostTensor {
  const dt = t.data_type ?? 0;
  const kind = kindOfDataType(dt);
  if (!kind)
    throw new OnnxGraphError(where, `data type ${dt} is not supported (float, integer and bool types are)`);
  if (t.data_location === 1) {
    throw new OnnxGraphError(
      where,
      'uses external data, which is not supported: save the model with its data inside',
    );
  }
  const shape = (t.dims ?? []).map((d) => int64(d, `${where} dim`));
  const n = checkDims(where, shape);
  const out =
    kind === 'float' ? new Float32Array(n) : kind === 'int' ? new Float64Array(n) : new Uint8Array(n);
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    const size = BYTES[dt];
    if (raw.length !== n * size) {
      throw new OnnxDecodeError(
        where,
        `raw_data has ${raw.length} bytes; dims [${shape.join(', ')}] need ${n * size}`,
      );
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      const o = i * size;
      switch (dt) {
        case DataType.FLOAT:
          out[i] = view.getFloat32(o, true);
          break;
        case DataType.DOUBLE:
          out[i] = view.getFloat64(o, true);
          break;
        case DataType.FLOAT16:
          out[i] = halfToFloat(view.getUint16(o, true));
          break;
        case DataType.INT64:
          out[i] = Number(view.getBigInt64(o, true));
          break;
        case DataType.UINT64:
          out[i] = Number(view.getBigUint64(o, true));
          break;
        case DataType.INT32:
          out[i] = view.getInt32(o, true);
          break;
        case DataType.UINT32:
          out[i] = view.getUint32(o, true);
          break;
        case DataType.INT16:
          out[i] = view.getInt16(o, true);
          break;
        case DataType.UINT16:
          out[i] = view.getUint16(o, true);
          break;
        case DataType.INT8:
          out[i] = view.getInt8(o);
          break;
        default:
          out[i] = view.getUint8(o); // UINT8, BOOL
      }
    }
    return { kind, shape, data: out, dataType: dt };
  }
  const field: ArrayLike<unknown> =
    dt === DataType.FLOAT
      ? (t.float_data ?? [])
      : dt === DataType.DOUBLE
        ? (t.double_data ?? [])
        : dt === DataType.INT64
          ? (t.int64_data ?? [])
          : dt === DataType.UINT64 || dt === DataType.UINT32
            ? (t.uint64_data ?? [])
            : (t.int32_data ?? []);
  if (field.length !== n) {
    throw new OnnxDecodeError(where, `has ${field.length} values; dims [${shape.join(', ')}] need ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const v = field[i];
    const x = typeof v === 'number' ? v : int64(v as never);
    out[i] = dt === DataType.FLOAT16 ? halfToFloat(x) : x;
  }
  return { kind, shape, data: out, dataType: dt };
}

/** A TensorProto for export: float32 as raw little-endian bytes, ints as int64. */
export function toTensorProto(
  name: string,
  shape: readonly number[],
  values: ArrayLike<number>,
  dataType: number = DataType.FLOAT,
): TensorProto {
  const n = values.length;
  if (dataType === DataType.FLOAT) {
    const f = Float32Array.from(values);
    return { name, dims: [...shape], data_type: dataType, raw_data: new Uint8Array(f.buffer, 0, n * 4) };
  }
  if (dataType === DataType.INT64) {
    const buf = new BigInt64Array(n);
    for (let i = 0; i < n; i++) buf[i] = BigInt(values[i]);
    return { name, dims: [...shape], data_type: dataType, raw_data: new Uint8Array(buf.buffer) };
  }
  if (dataType === DataType.INT32)
    return { name, dims: [...shape], data_type: dataType, int32_data: Array.from(values) };
  throw new OnnxGraphError('toTensorProto', `cannot write data type ${dataType}`);
}

export const hostSize = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function hostInts(values: readonly number[], shape: readonly number[] = [values.length]): HostTensor {
  return { kind: 'int', shape, data: Float64Array.from(values), dataType: DataType.INT64 };
}
