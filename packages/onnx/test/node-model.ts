/** Builds ONNX protos from the node tests' JSON (attributes and tensors), for node-tests.test.ts. */
import { type AttributeProto, AttributeType, DataType, type TensorProto } from '../src/proto/onnx-proto.js';

const TYPES: Record<string, number> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  int8: DataType.INT8,
  int16: DataType.INT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  uint8: DataType.UINT8,
  uint16: DataType.UINT16,
  uint32: DataType.UINT32,
  uint64: DataType.UINT64,
  bool: DataType.BOOL,
};

export const dataTypeOf = (dtype: string): number => TYPES[dtype] ?? DataType.FLOAT;

const num = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));

export function toOnnxTensor(
  name: string,
  t: { shape: number[]; dtype: string; data: unknown[] },
): TensorProto {
  const dt = dataTypeOf(t.dtype);
  const values = t.data.map(num);
  const base = { name, dims: t.shape, data_type: dt };
  if (dt === DataType.FLOAT) return { ...base, float_data: values };
  if (dt === DataType.DOUBLE) return { ...base, double_data: values };
  if (dt === DataType.INT64) return { ...base, int64_data: values };
  if (dt === DataType.UINT64 || dt === DataType.UINT32) return { ...base, uint64_data: values };
  return { ...base, int32_data: values };
}

export function buildAttributes(attrs: Record<string, unknown>): AttributeProto[] {
  return Object.entries(attrs).map(([name, v]): AttributeProto => {
    if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'string')) {
        return {
          name,
          type: AttributeType.STRINGS,
          strings: v.map((x) => new TextEncoder().encode(x as string)),
        };
      }
      if (v.every((x) => Number.isInteger(x))) return { name, type: AttributeType.INTS, ints: v as number[] };
      return { name, type: AttributeType.FLOATS, floats: v as number[] };
    }
    if (typeof v === 'object' && v !== null) {
      const t = v as { shape: number[]; dtype: string; data: unknown[] };
      return { name, type: AttributeType.TENSOR, t: toOnnxTensor(name, t) };
    }
    // ints vs floats: the JSON keeps ONNX's own numbers; a float attribute with an integral value is
    // ambiguous, so attributes ONNX defines as floats are listed.
    if (FLOAT_ATTRS.has(name)) return { name, type: AttributeType.FLOAT, f: v as number };
    return { name, type: AttributeType.INT, i: v as number };
  });
}

const FLOAT_ATTRS = new Set([
  'alpha',
  'beta',
  'gamma',
  'epsilon',
  'momentum',
  'bias',
  'lambd',
  'value_float',
  'ratio',
  'clip',
]);
