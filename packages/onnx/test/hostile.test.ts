/**
 * Malformed and hostile .onnx files are refused with typed errors, before anything large is allocated:
 * truncated bytes, wrong wire types, random bytes, a graph cycle, a missing initializer, absurd dims,
 * sizes that do not add up, unsupported ops and attributes (named with node, op and opset).
 */
import { readFileSync } from 'node:fs';
import { DendriteError, Rng } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnx, OnnxDecodeError, OnnxGraphError, OnnxUnsupportedError } from '../src/index.js';
import { AttributeType, DataType, encodeModel, type GraphProto } from '../src/proto/onnx-proto.js';
import { useCpu } from './helpers.js';

const valid = new Uint8Array(readFileSync(new URL('../fixtures/torch/cnn_bn.onnx', import.meta.url)));

const info = (name: string, dims: number[]) => ({
  name,
  type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dims.map((d) => ({ dim_value: d })) } } },
});

function model(graph: GraphProto, opset = 17): Uint8Array {
  return encodeModel({ ir_version: 8, opset_import: [{ domain: '', version: opset }], graph });
}

const relu = (input: string, output: string, name = `relu_${output}`) => ({
  op_type: 'Relu',
  name,
  input: [input],
  output: [output],
});

beforeAll(async () => {
  await useCpu();
});

describe('importOnnx refuses malformed files', () => {
  it('truncated bytes, at every tenth of the file', () => {
    for (let k = 1; k < 10; k++) {
      const cut = valid.subarray(0, Math.floor((valid.length * k) / 10));
      expect(() => importOnnx(cut), `cut at ${k}/10`).toThrow(DendriteError);
    }
    expect(() => importOnnx(new Uint8Array(0))).toThrow(OnnxDecodeError);
  });

  it('wrong wire types', () => {
    // field 7 (graph, a message) written as a varint; then a field with the invalid wire type 7.
    expect(() => importOnnx(Uint8Array.of((7 << 3) | 0, 0x05))).toThrow(DendriteError);
    expect(() => importOnnx(Uint8Array.of((1 << 3) | 7, 0x01))).toThrow(OnnxDecodeError);
    // a length prefix that claims 2 GiB
    expect(() => importOnnx(Uint8Array.of((7 << 3) | 2, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00))).toThrow(
      OnnxDecodeError,
    );
  });

  it('random bytes and flipped bytes give typed errors only, with bounded memory', () => {
    const r = new Rng(9);
    const before = process.memoryUsage().rss;
    const noise = r.uniform([200 * 64]).dataSync() as Float32Array;
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from(noise.subarray(i * 64, (i + 1) * 64), (v) => Math.floor(v * 256));
      expect(() => importOnnx(bytes)).toThrow(DendriteError);
    }
    const flips = r.uniform([100 * 2]).dataSync() as Float32Array;
    for (let i = 0; i < 100; i++) {
      const bytes = valid.slice();
      bytes[Math.floor(flips[2 * i] * bytes.length)] = Math.floor(flips[2 * i + 1] * 256);
      try {
        importOnnx(bytes).dispose(); // a flip inside weight data still gives a valid model
      } catch (e) {
        expect(e).toBeInstanceOf(DendriteError);
      }
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 2 ** 20);
  });

  it('a graph cycle', () => {
    const bytes = model({
      name: 'cycle',
      node: [relu('b', 'a', 'first'), relu('a', 'b', 'second')],
      input: [],
      output: [info('a', [1])],
    });
    expect(() => importOnnx(bytes)).toThrow(/cycle through 'first' \(Relu\), 'second' \(Relu\)/);
    expect(() => importOnnx(bytes)).toThrow(OnnxGraphError);
  });

  it('a missing initializer', () => {
    const bytes = model({
      name: 'missing',
      node: [{ op_type: 'MatMul', name: 'mm', input: ['x', 'W'], output: ['y'] }],
      input: [info('x', [1, 3])],
      output: [info('y', [1, 2])],
    });
    expect(() => importOnnx(bytes)).toThrow(
      /node 'mm' \(MatMul\): reads 'W', which no node, graph input or initializer/,
    );
  });

  it('absurd dims and sizes that do not add up, before allocating', () => {
    const huge = model({
      name: 'huge',
      node: [{ op_type: 'Add', name: 'add', input: ['x', 'W'], output: ['y'] }],
      initializer: [{ name: 'W', dims: [1_000_000_000, 1_000_000_000], data_type: DataType.FLOAT }],
      input: [info('x', [1])],
      output: [info('y', [1])],
    });
    expect(() => importOnnx(huge)).toThrow(OnnxGraphError);
    expect(() => importOnnx(huge)).toThrow(/more than 268435456 elements/);
    const negative = model({
      name: 'negative',
      node: [relu('W', 'y')],
      initializer: [{ name: 'W', dims: [-3], data_type: DataType.FLOAT }],
      input: [],
      output: [info('y', [1])],
    });
    expect(() => importOnnx(negative)).toThrow(/non-negative/);
    const short = model({
      name: 'short',
      node: [relu('W', 'y')],
      initializer: [
        { name: 'W', dims: [1000, 1000], data_type: DataType.FLOAT, raw_data: new Uint8Array(4) },
      ],
      input: [],
      output: [info('y', [1000, 1000])],
    });
    expect(() => importOnnx(short)).toThrow(/raw_data has 4 bytes; dims \[1000, 1000\] need 4000000/);
    // Shape arithmetic that folds to something huge is refused, not allocated.
    const folded = model({
      name: 'folded',
      node: [{ op_type: 'ConstantOfShape', name: 'zeros', input: ['shape'], output: ['y'] }],
      initializer: [{ name: 'shape', dims: [2], data_type: DataType.INT64, int64_data: [100_000, 100_000] }],
      input: [],
      output: [info('y', [100_000, 100_000])],
    });
    expect(() => importOnnx(folded)).toThrow(/more than 16777216 elements; refused/);
  });

  it('unsupported ops, attributes and opsets name the node, the op and the opset', () => {
    const op = model({
      name: 'g',
      node: [{ op_type: 'NonMaxSuppression', name: 'nms', input: ['x'], output: ['y'] }],
      input: [info('x', [1])],
      output: [info('y', [1])],
    });
    const e = (() => {
      try {
        importOnnx(op);
      } catch (err) {
        return err as OnnxUnsupportedError;
      }
    })();
    expect(e).toBeInstanceOf(OnnxUnsupportedError);
    expect(e?.message).toMatch(
      /onnx node 'nms' \(NonMaxSuppression, opset 17\): op 'NonMaxSuppression' is not implemented/,
    );
    const attr = model({
      name: 'g',
      node: [
        {
          ...relu('x', 'y', 'r'),
          op_type: 'Softmax',
          attribute: [{ name: 'bogus', type: AttributeType.INT, i: 1 }],
        },
      ],
      input: [info('x', [1])],
      output: [info('y', [1])],
    });
    expect(() => importOnnx(attr)).toThrow(
      /onnx node 'r' \(Softmax, opset 17\): attribute 'bogus' is not supported/,
    );
    const old = model(
      { name: 'g', node: [relu('x', 'y')], input: [info('x', [1])], output: [info('y', [1])] },
      9,
    );
    expect(() => importOnnx(old)).toThrow(/opset 9 is outside the supported 13–25/);
    const domain = model({
      name: 'g',
      node: [{ ...relu('x', 'y', 'ms'), domain: 'com.microsoft' }],
      input: [info('x', [1])],
      output: [info('y', [1])],
    });
    expect(() => importOnnx(domain)).toThrow(/domain 'com.microsoft'/);
    const bidi = model({
      name: 'g',
      node: [
        {
          op_type: 'LSTM',
          name: 'lstm',
          input: ['x', 'W', 'R'],
          output: ['y'],
          attribute: [
            { name: 'direction', type: AttributeType.STRING, s: new TextEncoder().encode('bidirectional') },
          ],
        },
      ],
      initializer: [
        { name: 'W', dims: [2, 8, 3], data_type: DataType.FLOAT, float_data: new Array(48).fill(0) },
        { name: 'R', dims: [2, 8, 2], data_type: DataType.FLOAT, float_data: new Array(32).fill(0) },
      ],
      input: [info('x', [4, 1, 3])],
      output: [info('y', [4, 2, 1, 2])],
    });
    expect(() => importOnnx(bidi)).toThrow(/onnx node 'lstm' \(LSTM, opset 17\): direction 'bidirectional'/);
  });
});
