/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming
 * every tensor's dtype, shape and byte range, then the raw little-endian data. In memory only, so it runs
 * in browsers; the file functions are in `@dendrite/layers/node`.
 *
 * Decoding trusts nothing: every size and offset in the header is checked against the bytes actually
 * present before anything is allocated, so a truncated or hostile file is refused with a typed error
 * (`CheckpointError`, or `DTypeError` for a dtype Dendrite cannot hold) instead of a huge allocation.
 * The header is parsed strictly (duplicate keys and a byte-order mark are refused, not resolved) and
 * within `SafetensorsLimits` (header bytes, tensor count, rank), so time and memory stay proportional to
 * the file's size.
 */
import {
  ArgumentError,
  type DataArray,
  type DType,
  DTypeError,
  dispose,
  type Tensor,
  tensor,
} from '@dendrite/core';
import { CheckpointError, type CheckpointProblem } from './checkpoint-error.js';
import { countTopLevelKeys, parseHeaderJson } from './header-json.js';
import {
  DEFAULT_SAFETENSORS_LIMITS,
  MAX_HEADER_DEPTH,
  resolveLimits,
  type SafetensorsLimits,
} from './limits.js';

/** The dtypes of the format this library reads (others, such as F8_E4M3, are refused). */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

const ELEMENT_BYTES: Record<SafetensorsDType, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** Dtypes of the format that exist but that Dendrite has no type for. */
const KNOWN_UNSUPPORTED = ['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64'];

/** Above this the reference implementation refuses a header too; it also bounds the JSON we parse. */
export const MAX_HEADER_BYTES = DEFAULT_SAFETENSORS_LIMITS.maxHeaderBytes;

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Byte range in the whole buffer (header included), end exclusive. */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly entries: readonly SafetensorsEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the data section starts (8 + the header's length). */
  readonly dataStart: number;
}

export interface DecodedCheckpoint {
  /** New tensors on the current backend, owned by the caller. */
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const OP = 'decodeSafetensors';

function fail(message: string, problem: CheckpointProblem = 'entry'): never {
  throw new CheckpointError(OP, message, problem);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * The header's length from the first 8 bytes of a file of `totalBytes` bytes, checked against the bytes
 * present and the limit before anything else is read.
 */
export function readSafetensorsHeaderLength(
  prefix: Uint8Array,
  totalBytes: number,
  limits: SafetensorsLimits = {},
): number {
  const { maxHeaderBytes } = resolveLimits(OP, limits);
  if (!(prefix instanceof Uint8Array)) fail('expected a Uint8Array', 'invalid');
  if (totalBytes < 8 || prefix.length < 8) {
    fail(`truncated: ${totalBytes} bytes, but the header length alone takes 8`, 'truncated');
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const headerBytes = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerBytes > totalBytes - 8) {
    fail(
      `the header claims ${headerBytes} bytes but only ${totalBytes - 8} follow the length field (truncated?)`,
      'truncated',
    );
  }
  if (headerBytes > maxHeaderBytes) {
    fail(`the header claims ${headerBytes} bytes, above the ${maxHeaderBytes} limit`, 'header-size');
  }
  return headerBytes;
}

/** Reads and validates the header (no tensor data is touched or allocated). */
export function parseSafetensorsHeader(bytes: Uint8Array, limits: SafetensorsLimits = {}): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) fail('expected a Uint8Array', 'invalid');
  const headerBytes = readSafetensorsHeaderLength(bytes, bytes.length, limits);
  return parseSafetensorsHeaderText(bytes.subarray(8, 8 + headerBytes), bytes.length, limits);
}

/**
 * Validates a header given its JSON bytes (what follows the length field) and the whole file's size:
 * the file API reads only this much before deciding whether to read the data.
 */
export function parseSafetensorsHeaderText(
  header: Uint8Array,
  totalBytes: number,
  limits: SafetensorsLimits = {},
): SafetensorsHeader {
  const { maxTensors, maxRank } = resolveLimits(OP, limits);
  const dataStart = 8 + header.length;
  // TextDecoder would drop a byte-order mark silently; the format has none (the reference refuses it).
  if (header[0] === 0xef && header[1] === 0xbb && header[2] === 0xbf) {
    fail('the header starts with a UTF-8 byte-order mark; a header must start with {', 'encoding');
  }
  if (header[0] !== 0x7b) fail('the header does not start with {: it is not a JSON object', 'encoding');
  // Judge the count before decoding or parsing: a million entries is refused after the first N + 1.
  const tooMany = (n: string) => `the header lists ${n} entries, above the limit of ${maxTensors} tensors`;
  const keys = countTopLevelKeys(header, maxTensors + 1);
  if (keys > maxTensors + 1) fail(tooMany(`more than ${maxTensors + 1}`), 'too-many-tensors');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(header);
  } catch {
    fail('the header is not valid UTF-8', 'encoding');
  }
  const fields = parseHeaderJson(OP, text, {
    // Plus one for __metadata__.
    maxEntries: maxTensors + 1,
    maxDepth: MAX_HEADER_DEPTH,
    tooMany: (n) => tooMany(`at least ${n}`),
  });

  const dataBytes = totalBytes - dataStart;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, info] of fields) {
    if (name === '__metadata__') {
      if (!isPlainObject(info) || Object.values(info).some((v) => typeof v !== 'string')) {
        fail('__metadata__ must map strings to strings');
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    entries.push(parseEntry(name, info, dataStart, dataBytes, maxRank));
  }
  if (entries.length > maxTensors) {
    fail(tooMany(`${entries.length} tensor`), 'too-many-tensors');
  }
  // The data section must be covered exactly, in order, without gaps or overlaps.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = dataStart;
  for (const e of sorted) {
    if (e.begin !== expected) {
      fail(
        `tensor '${e.name}' starts at data offset ${e.begin - dataStart}, expected ${expected - dataStart} (gap or overlap)`,
        'layout',
      );
    }
    expected = e.end;
  }
  if (expected !== totalBytes) {
    fail(`the tensors cover ${expected - dataStart} data bytes but the buffer holds ${dataBytes}`, 'layout');
  }
  return { entries, metadata, dataStart };
}

function parseEntry(
  name: string,
  info: unknown,
  dataStart: number,
  dataBytes: number,
  maxRank: number,
): SafetensorsEntry {
  if (name === '__proto__') fail("'__proto__' cannot name a tensor");
  if (!isPlainObject(info)) fail(`entry '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') fail(`entry '${name}' has no dtype string`);
  if (!Object.hasOwn(ELEMENT_BYTES, dtype)) {
    const why = KNOWN_UNSUPPORTED.includes(dtype)
      ? 'is not supported by Dendrite'
      : 'is not a safetensors dtype';
    throw new DTypeError(
      OP,
      `tensor '${name}' has dtype '${dtype}', which ${why}; expected one of ${Object.keys(ELEMENT_BYTES).join(', ')}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    fail(`tensor '${name}' has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (shape.length > maxRank) {
    fail(`tensor '${name}' has ${shape.length} dimensions, above the limit of ${maxRank}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
    fail(
      `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with begin <= end`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataBytes)
    fail(
      `tensor '${name}' ends at data offset ${end}, past the ${dataBytes} data bytes present`,
      'truncated',
    );
  const size = ELEMENT_BYTES[dtype as SafetensorsDType];
  // Elements, stopping as soon as the product exceeds what the byte range holds (no overflow, no trust).
  const dims = shape as number[];
  const span = end - begin;
  let elements = dims.includes(0) ? 0 : 1;
  let exceeded = false;
  for (let i = 0; i < dims.length && elements > 0; i++) {
    elements *= dims[i];
    if (elements * size > span && i < dims.length - 1) {
      exceeded = true;
      break;
    }
  }
  if (exceeded || elements * size !== span) {
    const needs = exceeded ? `more than ${span}` : `${elements * size}`;
    fail(
      `tensor '${name}' of shape [${dims.join(', ')}] and dtype ${dtype} needs ${needs} bytes, but its data_offsets span ${span}`,
      'size',
    );
  }
  return {
    name,
    dtype: dtype as SafetensorsDType,
    shape: [...dims],
    begin: dataStart + begin,
    end: dataStart + end,
  };
}

// bfloat16 is the top half of a float32: widen through a shared word.
const bfloatBits = new Uint32Array(1);
const bfloatValue = new Float32Array(bfloatBits.buffer);

const hostIsLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** An entry's values converted to the Dendrite dtype that holds them (floats -> float32, ints -> int32). */
export function readSafetensorsEntry(
  bytes: Uint8Array,
  entry: SafetensorsEntry,
): { dtype: DType; values: DataArray } {
  const n = (entry.end - entry.begin) / ELEMENT_BYTES[entry.dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset + entry.begin, entry.end - entry.begin);
  const intOutOfRange = (v: number | bigint) =>
    new CheckpointError(
      OP,
      `tensor '${entry.name}' (${entry.dtype}) holds ${v}, outside the int32 range Dendrite's integers have`,
      'value',
    );
  switch (entry.dtype) {
    case 'F32': {
      if (hostIsLittleEndian) {
        return { dtype: 'float32', values: new Float32Array(bytes.slice(entry.begin, entry.end).buffer) };
      }
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return { dtype: 'float32', values: out };
    }
    case 'F64':
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        if (entry.dtype === 'F64') out[i] = view.getFloat64(8 * i, true);
        else if (entry.dtype === 'F16') out[i] = halfToFloat(view.getUint16(2 * i, true));
        else {
          bfloatBits[0] = view.getUint16(2 * i, true) << 16;
          out[i] = bfloatValue[0];
        }
      }
      return { dtype: 'float32', values: out };
    }
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) ? 1 : 0;
      return { dtype: 'bool', values: out };
    }
    default: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let v: number;
        switch (entry.dtype) {
          case 'U8':
            v = view.getUint8(i);
            break;
          case 'I8':
            v = view.getInt8(i);
            break;
          case 'I16':
            v = view.getInt16(2 * i, true);
            break;
          case 'U16':
            v = view.getUint16(2 * i, true);
            break;
          case 'I32':
            v = view.getInt32(4 * i, true);
            break;
          case 'U32':
            v = view.getUint32(4 * i, true);
            break;
          default: {
            const big =
              entry.dtype === 'I64' ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
            if (big < -2147483648n || big > 2147483647n) throw intOutOfRange(big);
            v = Number(big);
          }
        }
        if (v < -2147483648 || v > 2147483647) throw intOutOfRange(v);
        out[i] = v;
      }
      return { dtype: 'int32', values: out };
    }
  }
}

/** Every tensor of a safetensors buffer, on the current backend, plus the header's metadata. */
export function decodeSafetensors(bytes: Uint8Array, limits: SafetensorsLimits = {}): DecodedCheckpoint {
  return decodeWithHeader(bytes, parseSafetensorsHeader(bytes, limits));
}

/** The tensors of a buffer whose header has already been parsed and validated. */
export function decodeWithHeader(bytes: Uint8Array, header: SafetensorsHeader): DecodedCheckpoint {
  // Convert everything on the host first, so a bad value leaves no half-made tensors behind.
  const host = header.entries.map((e) => ({ entry: e, ...readSafetensorsEntry(bytes, e) }));
  const tensors: Record<string, Tensor> = {};
  try {
    for (const { entry, dtype, values } of host) tensors[entry.name] = tensor(values, entry.shape, dtype);
  } catch (e) {
    dispose(tensors);
    throw e;
  }
  return { tensors, metadata: header.metadata };
}

const DTYPE_NAMES: Record<DType, SafetensorsDType> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

/**
 * A safetensors buffer holding `tensors` (sorted by name) and string `metadata`. The header is padded
 * with spaces to 8 bytes so the data section is aligned. Reads the tensors with `await data()`, so it
 * works on every backend; decoding the result gives bit-identical tensors.
 */
export async function encodeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Promise<Uint8Array> {
  const op = 'encodeSafetensors';
  if (Object.values(metadata).some((v) => typeof v !== 'string')) {
    throw new ArgumentError(op, 'metadata values must be strings');
  }
  if ('__metadata__' in tensors)
    throw new ArgumentError(op, "'__metadata__' is reserved and cannot name a tensor");
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = { ...metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    t.assertLive(op);
    const values = await t.data();
    const chunk = toLittleEndianBytes(values, t.dtype);
    header[name] = {
      dtype: DTYPE_NAMES[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + chunk.length],
    };
    chunks.push(chunk);
    offset += chunk.length;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const padding = (8 - (headerBytes.length % 8)) % 8;
  if (padding) {
    json += ' '.repeat(padding);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerBytes.length / 2 ** 32), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function toLittleEndianBytes(values: DataArray, dtype: DType): Uint8Array {
  if (dtype === 'bool') return Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  if (hostIsLittleEndian)
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'float32') view.setFloat32(4 * i, values[i], true);
    else view.setInt32(4 * i, values[i], true);
  }
  return out;
}
