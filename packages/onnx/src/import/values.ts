/**
 * The values an imported graph passes between nodes. A `RuntimeValue` is a Dendrite tensor; rank-4 ones
 * may be stored channels-last (`nhwc`), the layout Dendrite's convolutions work in, while still standing
 * for ONNX's NCHW value. A `ConstValue` lives on the host: initializers that are not learned, Constant
 * nodes and shape arithmetic, evaluated without launching a kernel.
 */
import { castTo, reshape, type Tensor, tensor, transpose } from '@dendrite/core';
import { OnnxUnsupportedError } from '../errors.js';
import type { HostTensor } from '../proto/host-tensor.js';

export interface RuntimeValue {
  readonly t: Tensor;
  /** Rank 4 only: stored NHWC (ONNX NCHW = transpose(t, [0, 3, 1, 2])). */
  readonly nhwc: boolean;
  /**
   * Set on a weight mapped to Dendrite's layout at load time for one role (a conv filter as HWIO, LSTM
   * gates reordered…): the op of that role uses `t` as it is; any other use must not see it.
   */
  readonly role?: string;
}

export interface ConstValue {
  readonly c: HostTensor;
}

export type Value = RuntimeValue | ConstValue;

export const isConst = (v: Value | null | undefined): v is ConstValue => !!v && 'c' in v;

/** ONNX shape of a value. */
export function onnxShape(v: Value): number[] {
  if (isConst(v)) return [...v.c.shape];
  const s = v.t.shape;
  return v.nhwc ? [s[0], s[3], s[1], s[2]] : [...s];
}

/** A host constant as a tensor (float -> float32, integers -> int32, bool -> bool). */
export function constTensor(c: HostTensor): Tensor {
  if (c.kind === 'int') {
    for (const v of c.data) {
      if (v > 2147483647 || v < -2147483648) {
        // Clamp huge sentinels (INT64_MAX in Slice ends) — only reached when a tensor is needed.
        return tensor(
          Int32Array.from(c.data, (x) => Math.max(-2147483648, Math.min(2147483647, x))),
          [...c.shape],
          'int32',
        );
      }
    }
    return tensor(Int32Array.from(c.data), [...c.shape], 'int32');
  }
  if (c.kind === 'bool') return tensor(Uint8Array.from(c.data), [...c.shape], 'bool');
  return tensor(c.data as Float32Array, [...c.shape], 'float32');
}

/** The value in ONNX's layout as a tensor (transposing an NHWC one back). */
export function plain(v: Value): Tensor {
  if (isConst(v)) return constTensor(v.c);
  if (v.role) throw new Error(`internal: weight mapped for '${v.role}' used elsewhere`);
  return v.nhwc ? transpose(v.t, [0, 3, 1, 2]) : v.t;
}

/** A rank-4 value as an NHWC tensor. */
export function channelsLast(v: Value): Tensor {
  if (!isConst(v) && v.nhwc) return v.t;
  return transpose(plain(v), [0, 2, 3, 1]);
}

/** ONNX axis of a rank-4 value -> its axis in NHWC storage. */
export const NHWC_AXIS = [0, 3, 1, 2] as const;

/**
 * An operand broadcast against an NHWC value, in NHWC: ONNX aligns trailing axes of the NCHW shape, so a
 * lower-rank operand is first padded to rank 4, then permuted.
 */
export function alignedNHWC(v: Value): Tensor {
  if (!isConst(v) && v.nhwc) return v.t;
  const t = plain(v);
  if (t.rank > 4) return t;
  const r4 = t.rank === 4 ? t : reshape(t, [...new Array(4 - t.rank).fill(1), ...t.shape]);
  return transpose(r4, [0, 2, 3, 1]);
}

/** What an op knows about itself, for its errors. */
export interface NodeInfo {
  readonly name: string;
  readonly opType: string;
  readonly opset: number;
}

export function unsupported(node: NodeInfo, detail: string): never {
  throw new OnnxUnsupportedError(node.name, node.opType, node.opset, detail);
}

/** A constant input's values on the host, or a typed error when the graph computes it at run time. */
export function hostValues(node: NodeInfo, v: Value | null | undefined, what: string): number[] {
  if (!v) return unsupported(node, `input '${what}' is missing`);
  if (!isConst(v)) return unsupported(node, `input '${what}' must be a constant (computed at run time here)`);
  return Array.from(v.c.data);
}

/** Float tensor from any value (integers are cast). */
export function asFloat(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : castTo(t, 'float32');
}
