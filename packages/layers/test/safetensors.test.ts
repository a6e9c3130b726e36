// The safetensors codec: Dendrite's own checkpoints round-trip bit for bit; every kind of corruption is
// refused with a typed error (fuzzed with fast-check) and never allocates what the header claims.
import * as d from '@dendrite/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  parseSafetensorsHeader,
} from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

/** A safetensors buffer from a header object and raw data, as another writer would produce it. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const bitsOf = async (t: d.Tensor) => new Uint8Array((await t.data()).slice().buffer);

function sample(): Record<string, d.Tensor> {
  return d.tidy(() => ({
    w: d.tensor(new Float32Array([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-45, -3.4e38]), [2, 3]),
    n: d.tensor(new Int32Array([-2147483648, 2147483647, 0]), [3]),
    mask: d.tensor([true, false, true]),
    s: d.scalar(7),
    empty: d.zeros([0, 4]),
  }));
}

describe('encodeSafetensors / decodeSafetensors', () => {
  it('round-trips float32 (NaN, -0, infinities, subnormals), int32 extremes, bool, scalars and empty tensors bit for bit', async () => {
    await expectNoLeak(async () => {
      const tensors = sample();
      const bytes = await encodeSafetensors(tensors, { framework: 'dendrite' });
      const header = parseSafetensorsHeader(bytes);
      expect(header.dataStart % 8).toBe(0); // the data section is 8-byte aligned
      expect(header.entries.map((e) => [e.name, e.dtype, e.shape])).toEqual([
        ['empty', 'F32', [0, 4]],
        ['mask', 'BOOL', [3]],
        ['n', 'I32', [3]],
        ['s', 'F32', []],
        ['w', 'F32', [2, 3]],
      ]);
      const decoded = decodeSafetensors(bytes);
      expect(decoded.metadata).toEqual({ framework: 'dendrite' });
      for (const [name, t] of Object.entries(tensors)) {
        const back = decoded.tensors[name];
        expect([back.dtype, back.shape]).toEqual([t.dtype, t.shape]);
        expect(await bitsOf(back)).toEqual(await bitsOf(t));
      }
      // Encoding what was decoded gives the same bytes.
      expect(await encodeSafetensors(decoded.tensors, decoded.metadata)).toEqual(bytes);
      d.dispose([tensors, decoded.tensors]);
    });
  });

  it('reads the other dtypes a PyTorch checkpoint may hold (F64, F16, BF16, I64, U8, I8)', async () => {
    await expectNoLeak(async () => {
      const data = new Uint8Array(8 + 2 + 2 + 8 + 1 + 1);
      const v = new DataView(data.buffer);
      v.setFloat64(0, 0.1, true);
      v.setUint16(8, 0x3c00 | 0x8000, true); // F16 -1
      v.setUint16(10, 0x4049, true); // BF16 ≈ 3.140625
      v.setBigInt64(12, -5n, true);
      v.setUint8(20, 250);
      v.setInt8(21, -7);
      const { tensors } = decodeSafetensors(
        build(
          {
            a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
            b: { dtype: 'F16', shape: [], data_offsets: [8, 10] },
            c: { dtype: 'BF16', shape: [1], data_offsets: [10, 12] },
            e: { dtype: 'I64', shape: [], data_offsets: [12, 20] },
            f: { dtype: 'U8', shape: [1], data_offsets: [20, 21] },
            g: { dtype: 'I8', shape: [1], data_offsets: [21, 22] },
          },
          data,
        ),
      );
      expect(await tensors.a.item()).toBe(Math.fround(0.1));
      expect(await tensors.b.item()).toBe(-1);
      expect(await tensors.c.item()).toBe(3.140625);
      expect([tensors.e.dtype, await tensors.e.item()]).toEqual(['int32', -5]);
      expect([await tensors.f.item(), await tensors.g.item()]).toEqual([250, -7]);
      d.dispose(tensors);
    });
  });

  it('refuses each kind of corruption with a typed error', () => {
    const f32 = (shape: number[], begin: number, end: number) => ({
      dtype: 'F32',
      shape,
      data_offsets: [begin, end],
    });
    const cases: [string, Uint8Array, RegExp, typeof d.DendriteError][] = [
      ['short', new Uint8Array(5), /truncated: 5 bytes/, CheckpointError],
      [
        'header past the end',
        build({}, new Uint8Array(0), 1000n),
        /claims 1000 bytes but only 2 follow/,
        CheckpointError,
      ],
      [
        'header length near 2^64',
        build({}, new Uint8Array(0), 2n ** 63n),
        /the header claims \d+ bytes but only 2 follow/,
        CheckpointError,
      ],
      [
        'not JSON',
        build('x').map((b, i) => (i === 8 ? 0x7b : b)),
        /not valid JSON|not a JSON object/,
        CheckpointError,
      ],
      ['an array', build([1]), /not a JSON object/, CheckpointError],
      [
        'unknown dtype',
        build({ w: { dtype: 'Q7', shape: [], data_offsets: [0, 0] } }),
        /dtype 'Q7', which is not a safetensors dtype/,
        d.DTypeError,
      ],
      [
        'unsupported dtype',
        build({ w: { dtype: 'F8_E4M3', shape: [], data_offsets: [0, 1] } }, new Uint8Array(1)),
        /not supported by Dendrite/,
        d.DTypeError,
      ],
      [
        'size lies',
        build({ w: f32([3], 0, 8) }, new Uint8Array(8)),
        /needs 12 bytes, but its data_offsets span 8/,
        CheckpointError,
      ],
      [
        'offset past the data',
        build({ w: f32([2], 0, 8) }, new Uint8Array(4)),
        /past the 4 data bytes/,
        CheckpointError,
      ],
      [
        'overlap',
        build({ a: f32([2], 0, 8), b: f32([1], 4, 8) }, new Uint8Array(8)),
        /gap or overlap/,
        CheckpointError,
      ],
      [
        'gap',
        build({ a: f32([1], 4, 8) }, new Uint8Array(8)),
        /starts at data offset 4, expected 0/,
        CheckpointError,
      ],
      [
        'trailing bytes',
        build({ a: f32([1], 0, 4) }, new Uint8Array(8)),
        /cover 4 data bytes but the buffer holds 8/,
        CheckpointError,
      ],
      [
        'negative shape',
        build({ a: f32([-1], 0, 0) }),
        /expected an array of non-negative integers/,
        CheckpointError,
      ],
      [
        'bad offsets',
        build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }),
        /begin <= end/,
        CheckpointError,
      ],
      [
        'bad metadata',
        build({ __metadata__: { a: 1 } }),
        /__metadata__ must map strings to strings/,
        CheckpointError,
      ],
      [
        '__proto__',
        build(
          JSON.parse('{"__proto__": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}}'),
          new Uint8Array(4),
        ),
        /cannot name a tensor/,
        CheckpointError,
      ],
      [
        'int64 beyond int32',
        build(
          { n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } },
          new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0]),
        ),
        /outside the int32 range/,
        CheckpointError,
      ],
    ];
    for (const [name, bytes, message, type] of cases) {
      const attempt = () => decodeSafetensors(bytes);
      expect(attempt, name).toThrow(type);
      expect(attempt, name).toThrowError(message);
    }
  });

  it('never allocates what a lying header claims: checks sizes against the bytes present first', () => {
    // 2^40 float32 elements (4 TiB) claimed in a 100-byte file: refused at once.
    const lie = build({ w: { dtype: 'F32', shape: [1024, 1024, 1024, 1024], data_offsets: [0, 2 ** 42] } });
    const started = performance.now();
    expect(() => decodeSafetensors(lie)).toThrowError(/past the 0 data bytes/);
    const consistentLie = build(
      { w: { dtype: 'F32', shape: [2 ** 30, 2 ** 30], data_offsets: [0, 4] } },
      new Uint8Array(4),
    );
    expect(() => decodeSafetensors(consistentLie)).toThrowError(/needs more than/);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('fuzz: corrupted bytes and random headers only ever give typed errors, and leak nothing', async () => {
    const valid = await d.tidy(async () =>
      encodeSafetensors({
        a: d.tensor([1, 2, 3]),
        b: d.tensor(new Int32Array([4]), [1, 1]),
        c: d.tensor([true]),
      }),
    );
    const attempt = (bytes: Uint8Array) => {
      try {
        d.dispose(decodeSafetensors(bytes).tensors);
        return true;
      } catch (e) {
        if (!(e instanceof d.DendriteError)) throw e;
        return false;
      }
    };
    await expectNoLeak(() => {
      // Flipped bytes anywhere (header length, JSON, data) and truncation at any point.
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 6,
          }),
          fc.option(fc.nat(valid.length - 1), { nil: undefined }),
          (flips, cut) => {
            const bytes = valid.slice(0, cut);
            for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
            attempt(bytes);
          },
        ),
        { numRuns: 400, seed: 20240611 },
      );
      // Headers of any shape: arbitrary JSON, and well-formed entries with arbitrary numbers.
      const entry = fc.record({
        dtype: fc.oneof(
          fc.constantFrom('F32', 'I32', 'BOOL', 'I64', 'F16', 'U8', 'X', 'F8_E5M2'),
          fc.string(),
        ),
        shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 2 ** 31 }), { maxLength: 4 }), fc.anything()),
        data_offsets: fc.oneof(
          fc.tuple(fc.nat(64), fc.nat(64)),
          fc.tuple(fc.double(), fc.maxSafeNat()),
          fc.anything(),
        ),
      });
      fc.assert(
        fc.property(
          fc.oneof(fc.dictionary(fc.string(), entry), fc.jsonValue()),
          fc.uint8Array({ maxLength: 64 }),
          (header, data) => {
            attempt(build(header, data));
          },
        ),
        { numRuns: 400, seed: 7 },
      );
    });
  });
});
