/**
 * The ONNX project's backend node tests (fixtures/onnx, JSON conversions of its model.onnx + .pb files),
 * each built here as a single-node ONNX model, serialised, imported and run. Parameters that newer opsets
 * take as inputs (axes, pads, shapes…) become initializers, as exporters write them; the other inputs
 * are graph inputs (images NHWC on Dendrite's side). Tolerance: ONNX's runner's (rtol 1e-3, atol 1e-7).
 * A case Dendrite cannot run is listed in EXPECTED_FAILURES with its reason; one that passes is flagged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { registerWasmBackend } from '@dendrite/backend-wasm';
import { dispose, setBackend, type Tensor, tensor } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { encodeModel, type TensorProto, type ValueInfoProto } from '../src/proto/onnx-proto.js';
import { toDendriteLayout, toOnnxLayout, useCpu } from './helpers.js';
import { buildAttributes, dataTypeOf, toOnnxTensor } from './node-model.js';

interface JsonTensor {
  name: string;
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
}
interface NodeCase {
  name: string;
  op: string;
  opset: number;
  attrs: Record<string, unknown>;
  inputs: (JsonTensor | null)[];
  outputs: (JsonTensor | null)[];
}

const dir = new URL('../../../fixtures/onnx/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');

/** Inputs (by position) that are parameters of the op, written as initializers. */
const PARAMETER_INPUTS: Record<string, number[]> = {
  Reshape: [1],
  Slice: [1, 2, 3, 4],
  Squeeze: [1],
  Unsqueeze: [1],
  Pad: [1, 2, 3],
  Tile: [1],
  Expand: [1],
  Split: [1],
  Dropout: [1, 2],
  ReduceSum: [1],
  ReduceMean: [1],
  ReduceMax: [1],
  ReduceMin: [1],
  ReduceLogSumExp: [1],
  Clip: [1, 2],
};

/** Cases Dendrite does not run, with the reason (checked: each must still fail). */
const EXPECTED_FAILURES: Record<string, string> = {
  test_add_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_add_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_add_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_add_uint8: 'uint8 tensors (Dendrite has float32, int32, bool)',
  test_averagepool_1d_default: '1-D/3-D windows (2-D only)',
  test_averagepool_2d_dilations: 'dilated pooling',
  test_averagepool_3d_dilations_small: '1-D/3-D windows (2-D only)',
  test_clip_default_int8_inbounds: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_clip_default_int8_min: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_convtranspose_1d: '1-D/3-D windows (2-D only)',
  test_convtranspose_3d: '1-D/3-D windows (2-D only)',
  test_convtranspose_group_2: 'grouped ConvTranspose',
  test_convtranspose_group_2_image_3: 'grouped ConvTranspose',
  test_div_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_div_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_div_uint16: 'uint16 tensors (Dendrite has float32, int32, bool)',
  test_div_uint32: 'uint32 tensors (Dendrite has float32, int32, bool)',
  test_dropout_default_old: 'opset 11 (13 and newer only)',
  test_edge_pad: 'edge padding (constant only)',
  test_equal_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_equal_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_equal_uint32: 'uint32 tensors (Dendrite has float32, int32, bool)',
  test_equal_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_greater_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_greater_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_greater_uint16: 'uint16 tensors (Dendrite has float32, int32, bool)',
  test_greater_uint32: 'uint32 tensors (Dendrite has float32, int32, bool)',
  test_greater_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_greater_uint8: 'uint8 tensors (Dendrite has float32, int32, bool)',
  test_less_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_less_uint16: 'uint16 tensors (Dendrite has float32, int32, bool)',
  test_less_uint32: 'uint32 tensors (Dendrite has float32, int32, bool)',
  test_less_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_less_uint8: 'uint8 tensors (Dendrite has float32, int32, bool)',
  test_lstm_with_peepholes: 'LSTM peepholes',
  test_max_float16: 'float16 tensors (Dendrite has float32, int32, bool)',
  test_max_float64: 'float64 tensors (Dendrite has float32, int32, bool)',
  test_max_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_max_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_max_uint8: 'uint8 tensors (Dendrite has float32, int32, bool)',
  test_maxpool_2d_dilations: 'dilated pooling',
  test_maxpool_2d_uint8: 'uint8 tensors (Dendrite has float32, int32, bool)',
  test_maxpool_with_argmax_2d_precomputed_pads: 'MaxPool Indices output',
  test_min_float16: 'float16 tensors (Dendrite has float32, int32, bool)',
  test_min_float64: 'float64 tensors (Dendrite has float32, int32, bool)',
  test_min_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_min_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_min_uint16: 'uint16 tensors (Dendrite has float32, int32, bool)',
  test_min_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_mul_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_mul_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_mul_uint16: 'uint16 tensors (Dendrite has float32, int32, bool)',
  test_mul_uint32: 'uint32 tensors (Dendrite has float32, int32, bool)',
  test_mul_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_mul_uint8: 'uint8 tensors (Dendrite has float32, int32, bool)',
  test_pow_types_float32_uint32: 'uint32 tensors (Dendrite has float32, int32, bool)',
  test_pow_types_float32_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_reduce_log_sum_exp_default_axes_keepdims_random: 'float64 tensors (Dendrite has float32, int32, bool)',
  test_reduce_log_sum_exp_do_not_keepdims_example: 'float64 tensors (Dendrite has float32, int32, bool)',
  test_reduce_log_sum_exp_do_not_keepdims_random: 'float64 tensors (Dendrite has float32, int32, bool)',
  test_reduce_log_sum_exp_keepdims_example: 'float64 tensors (Dendrite has float32, int32, bool)',
  test_reduce_log_sum_exp_keepdims_random: 'float64 tensors (Dendrite has float32, int32, bool)',
  test_reduce_log_sum_exp_negative_axes_keepdims_example:
    'float64 tensors (Dendrite has float32, int32, bool)',
  test_reduce_log_sum_exp_negative_axes_keepdims_random:
    'float64 tensors (Dendrite has float32, int32, bool)',
  test_reflect_pad: 'reflect padding (constant only)',
  test_sub_int16: 'int16 tensors (Dendrite has float32, int32, bool)',
  test_sub_int8: 'int8 tensors (Dendrite has float32, int32, bool)',
  test_sub_uint32: 'uint32 tensors (Dendrite has float32, int32, bool)',
  test_sub_uint64: 'uint64 tensors (Dendrite has float32, int32, bool)',
  test_sub_uint8: 'uint8 tensors (Dendrite has float32, int32, bool)',
  test_training_dropout_zero_ratio: 'Dropout in training mode (inference only)',
  test_training_dropout_zero_ratio_mask: 'Dropout in training mode (inference only)',
  test_wrap_pad: 'wrap padding (constant only)',
};

const num = (v: number | string | boolean) =>
  typeof v === 'boolean'
    ? v
      ? 1
      : 0
    : typeof v === 'string'
      ? Number(v.replace('Infinity', 'Infinity'))
      : v;

function buildModel(c: NodeCase): Uint8Array {
  const initializers: TensorProto[] = [];
  const graphInputs: ValueInfoProto[] = [];
  const names = c.inputs.map((t, i) => (t ? t.name || `in${i}` : ''));
  c.inputs.forEach((t, i) => {
    if (!t) return;
    if (PARAMETER_INPUTS[c.op]?.includes(i)) initializers.push(toOnnxTensor(names[i], t));
    else {
      graphInputs.push({
        name: names[i],
        type: {
          tensor_type: {
            elem_type: dataTypeOf(t.dtype),
            shape: { dim: t.shape.map((d) => ({ dim_value: d })) },
          },
        },
      });
    }
  });
  const outputs = c.outputs.map((t, i) => (t ? t.name || `out${i}` : ''));
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: c.opset }],
    graph: {
      name: c.name,
      node: [
        { op_type: c.op, name: c.name, input: names, output: outputs, attribute: buildAttributes(c.attrs) },
      ],
      initializer: initializers,
      input: graphInputs,
      output: c.outputs.flatMap((t, i) =>
        t
          ? [
              {
                name: outputs[i],
                type: {
                  tensor_type: {
                    elem_type: dataTypeOf(t.dtype),
                    shape: { dim: t.shape.map((d) => ({ dim_value: d })) },
                  },
                },
              },
            ]
          : [],
      ),
    },
  });
}

const DTYPES: Record<string, 'float32' | 'int32' | 'bool'> = {
  float32: 'float32',
  int32: 'int32',
  int64: 'int32',
  bool: 'bool',
};

async function runCase(c: NodeCase): Promise<void> {
  const model = importOnnx(buildModel(c));
  const feeds: Record<string, Tensor> = {};
  try {
    c.inputs.forEach((t, i) => {
      if (!t || PARAMETER_INPUTS[c.op]?.includes(i)) return;
      const dtype = DTYPES[t.dtype];
      if (!dtype) throw new Error(`input dtype ${t.dtype} has no Dendrite dtype`);
      const values = t.data.map(num);
      const { data, shape } = toDendriteLayout(Float32Array.from(values), t.shape);
      feeds[t.name || `in${i}`] = tensor(dtype === 'float32' ? data : Array.from(data), shape, dtype);
    });
    const out = model.run(feeds);
    try {
      for (const [i, want] of c.outputs.entries()) {
        if (!want) continue;
        const y = out[want.name || `out${i}`];
        const got = toOnnxLayout(Float32Array.from((await y.data()) as ArrayLike<number>), y.shape);
        expect(got.shape, `${want.name} shape`).toEqual(want.shape);
        const e = want.data.map(num);
        for (let k = 0; k < e.length; k++) {
          const a = got.data[k];
          const ok = Number.isNaN(e[k])
            ? Number.isNaN(a)
            : a === e[k] || Math.abs(a - e[k]) <= 1e-7 + 1e-3 * Math.abs(e[k]);
          if (!ok) throw new Error(`${want.name}[${k}] = ${a}, expected ${e[k]}`);
        }
      }
    } finally {
      dispose(Object.values(out));
    }
  } finally {
    dispose(Object.values(feeds));
    model.dispose();
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`ONNX backend node tests as single-node models on ${backend}`, () => {
    beforeAll(async () => {
      if (backend === 'cpu') await useCpu();
      else {
        registerWasmBackend(2, { threads: 1 });
        await setBackend('wasm');
      }
    });
    for (const file of files) {
      const cases = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as NodeCase[];
      for (const c of cases) {
        const reason = EXPECTED_FAILURES[c.name];
        it(reason ? `${c.name} (expected failure: ${reason})` : c.name, async () => {
          if (!reason) return runCase(c);
          let passed = false;
          try {
            await runCase(c);
            passed = true;
          } catch {
            // fails, as listed
          }
          expect(
            passed,
            `${c.name} is listed as an expected failure but passes: remove it from the list`,
          ).toBe(false);
        });
      }
    }
  });
}
