/**
 * The ONNX protobuf schema, through protobufjs: `onnx.proto` (the ONNX project's file, committed beside
 * this one) compiled into a JSON descriptor by `scripts/generate-proto-json.mjs`, so only the light
 * runtime is needed. `decodeModel` turns any failure of the wire format into an `OnnxDecodeError`.
 */
import protobuf from 'protobufjs/light.js';
import { OnnxDecodeError } from '../errors.js';
import descriptor from './onnx-proto.json';

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const ModelProto = root.lookupType('onnx.ModelProto');

/** The ONNX TensorProto.DataType numbers this package reads or writes. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

/** AttributeProto.AttributeType. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** An int64 as protobufjs gives it: a number, or a Long-like object when `long` is installed. */
export type Int64 = number | { toNumber(): number; low: number; high: number; unsigned?: boolean };

export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  uint64_data?: Int64[];
  string_data?: Uint8Array[];
  raw_data?: Uint8Array;
  name?: string;
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

export interface DimensionProto {
  dim_value?: Int64;
  dim_param?: string;
}

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: { dim?: DimensionProto[] } };
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  doc_string?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: Int64;
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
}

/** An int64 field as a JS number; refuses values beyond 2^53 (no dim or index of a real model is). */
export function int64(v: Int64 | undefined | null, what = 'int64'): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n))
    throw new OnnxDecodeError('onnx', `${what} ${String(v)} is not a safe integer`);
  return n;
}

/** Parses ONNX bytes. Truncated input, wrong wire types and other wire errors become OnnxDecodeError. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) {
    throw new OnnxDecodeError(
      'importOnnx',
      `expected the model's bytes as a Uint8Array, got ${typeof bytes}`,
    );
  }
  if (bytes.length === 0) throw new OnnxDecodeError('importOnnx', 'the model is empty (0 bytes)');
  try {
    return ModelProto.decode(bytes) as unknown as ModelProto;
  } catch (e) {
    throw new OnnxDecodeError(
      'importOnnx',
      `not a valid ONNX protobuf (${bytes.length} bytes): ${(e as Error).message}`,
    );
  }
}

/** Serialises a model (plain objects in the shape of the interfaces above). */
export function encodeModel(model: ModelProto): Uint8Array {
  const message = ModelProto.fromObject(model as Record<string, unknown>);
  return ModelProto.encode(message).finish();
}
