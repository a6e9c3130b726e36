/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic number (0, 0, type code,
 * number of dimensions), each dimension as a big-endian uint32, then the values, big-endian, row-major.
 */
import { DTypeError, ShapeError, sizeOf } from '@dendrite/core';
import { ArrayDataset } from '../array-dataset.js';
import { DataFormatError } from '../errors.js';
import { isGzip } from './gunzip.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  8: { type: 'uint8', bytes: 1 },
  9: { type: 'int8', bytes: 1 },
  11: { type: 'int16', bytes: 2 },
  12: { type: 'int32', bytes: 4 },
  13: { type: 'float32', bytes: 4 },
  14: { type: 'float64', bytes: 8 },
};

/** Decodes IDX `bytes` (not gzip: see `gunzip`). `source` names the data in errors. */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const op = 'parseIdx';
  if (isGzip(bytes)) {
    throw new DataFormatError(
      op,
      `${source} is gzip-compressed; decompress it first (gunzip, or readIdx in @dendrite/data/node)`,
    );
  }
  if (bytes.length < 4)
    throw new DataFormatError(op, `${source} is truncated: ${bytes.length} bytes, no 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = bytes[2];
  const rank = bytes[3];
  const kind = TYPES[code];
  if (bytes[0] !== 0 || bytes[1] !== 0 || kind === undefined || rank === 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataFormatError(
      op,
      `${source} has magic number ${hex}; expected 00 00 <type 08|09|0b|0c|0d|0e> <dimensions >= 1> (e.g. 00 00 08 03 for images)`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataFormatError(
      op,
      `${source} is truncated: its ${rank} dimensions need a ${headerBytes}-byte header, got ${bytes.length} bytes`,
    );
  }
  const shape = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = sizeOf(shape);
  const expected = headerBytes + count * kind.bytes;
  if (bytes.length !== expected) {
    throw new DataFormatError(
      op,
      `${source} declares ${kind.type} [${shape.join(', ')}] (${expected} bytes with its header) but has ${bytes.length} bytes${bytes.length < expected ? ': truncated' : ''}`,
    );
  }
  const body = headerBytes;
  let data: IdxArray['data'];
  switch (kind.type) {
    case 'uint8':
      data = bytes.slice(body, expected);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(body, expected).buffer);
      break;
    case 'int16':
      data = Int16Array.from({ length: count }, (_, i) => view.getInt16(body + 2 * i, false));
      break;
    case 'int32':
      data = Int32Array.from({ length: count }, (_, i) => view.getInt32(body + 4 * i, false));
      break;
    case 'float32':
      data = Float32Array.from({ length: count }, (_, i) => view.getFloat32(body + 4 * i, false));
      break;
    case 'float64':
      data = Float64Array.from({ length: count }, (_, i) => view.getFloat64(body + 8 * i, false));
      break;
  }
  return { type: kind.type, shape, data };
}

/**
 * Images `[N, H, W]` or `[N, H, W, C]` (uint8) and labels `[N]` as a data set: `x` float32 `[H, W, C]`
 * scaled to [0, 1], `y` the int32 class.
 */
export function idxImageDataset(
  images: IdxArray,
  labels: IdxArray,
  options: { classes?: readonly string[] } = {},
): ArrayDataset<'x' | 'y'> {
  const op = 'idxImageDataset';
  if (images.type !== 'uint8' || !['uint8', 'int8', 'int16', 'int32'].includes(labels.type)) {
    throw new DTypeError(
      op,
      `got images ${images.type} and labels ${labels.type}; expected uint8 images and integer labels`,
    );
  }
  if (
    !(images.shape.length === 3 || images.shape.length === 4) ||
    labels.shape.length !== 1 ||
    images.shape[0] !== labels.shape[0]
  ) {
    throw new ShapeError(
      op,
      `got images [${images.shape.join(', ')}] and labels [${labels.shape.join(', ')}]; expected [N, H, W] or [N, H, W, C] images and [N] labels`,
    );
  }
  const [n, h, w, c = 1] = images.shape;
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return new ArrayDataset(
    { x: { data: x, shape: [n, h, w, c] }, y: { data: Int32Array.from(labels.data), shape: [n] } },
    options,
  );
}
