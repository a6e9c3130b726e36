/**
 * Models exported by PyTorch (fixtures/torch, made by generate.py beside them) imported and run on cpu
 * and wasm: outputs equal PyTorch's within 1e-4 + 1e-3·|e|. Inputs and outputs are in ONNX layouts in
 * the fixtures; the imported model takes and gives NHWC images.
 */
import { readFileSync } from 'node:fs';
import { registerWasmBackend } from '@dendrite/backend-wasm';
import { dispose, noGrad, registerBackend, setBackend, tensor } from '@dendrite/core';
import { createCpuBackend } from '@dendrite/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { expectClose, toDendriteLayout, toOnnxLayout } from './helpers.js';

const dir = new URL('../fixtures/torch/', import.meta.url);
const MODELS = ['mlp', 'cnn_bn', 'concat', 'resnet18_narrow', 'lstm_classifier'];

interface Sample {
  inputs: Record<string, { shape: number[]; data: number[] }>;
  outputs: Record<string, { shape: number[]; data: number[] }>;
}

beforeAll(() => {
  registerBackend('cpu', () => createCpuBackend('cpu'), 1);
  registerWasmBackend(2, { threads: 1 });
});

for (const backend of ['cpu', 'wasm']) {
  describe(`PyTorch-exported models on ${backend}`, () => {
    beforeAll(async () => {
      await setBackend(backend);
    });
    for (const name of MODELS) {
      it(name, async () => {
        const model = importOnnx(new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))));
        const sample = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Sample;
        const [inName, input] = Object.entries(sample.inputs)[0];
        const x = toDendriteLayout(Float32Array.from(input.data), input.shape);
        const xt = tensor(x.data, x.shape);
        const out = noGrad(() => model.run({ [inName]: xt }));
        for (const [outName, want] of Object.entries(sample.outputs)) {
          const y = out[outName];
          const got = toOnnxLayout((await y.data()) as Float32Array, y.shape);
          expect(got.shape).toEqual(want.shape);
          expectClose(got.data, want.data, `${name}.${outName}`);
        }
        dispose([xt, ...Object.values(out)]);
        model.dispose();
      });
    }
  });
}

describe('shape arithmetic', () => {
  it("PyTorch's LSTM shape subgraph (Shape of the input, Gather, Unsqueeze, Concat, Expand) folds at load time", () => {
    const model = importOnnx(new Uint8Array(readFileSync(new URL('lstm_classifier.onnx', dir))));
    const ops = model.plannedOps();
    expect(ops).toContain('LSTM');
    for (const op of ['Shape', 'Unsqueeze', 'Concat', 'ConstantOfShape', 'Expand'])
      expect(ops).not.toContain(op);
    expect(ops).toEqual(['Transpose', 'LSTM', 'Squeeze', 'Transpose', 'Gather', 'Gemm']);
    model.dispose();
  });
});
