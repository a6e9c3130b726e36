/**
 * Export -> import: the imported model reproduces Dendrite's outputs on Dendrite (NHWC in and out), and
 * exporting the imported model again gives a model ONNX Runtime runs to the same outputs.
 */
import { createArchitecture } from '@dendrite/architectures';
import { type DType, dispose, noGrad, Rng, type Shape, setSeed, tensor } from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index.js';
import { expectClose, expectNoLeak, runOrt, toOnnxLayout, useCpu, warmUpBatchNorm } from './helpers.js';

beforeAll(async () => {
  await useCpu();
});

async function roundTrip(model: Module, inputShape: Shape, dtype: DType = 'float32', vocabulary = 10) {
  const r = new Rng(11);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const values =
    dtype === 'int32'
      ? Int32Array.from({ length: size }, (_, i) => (i * 5 + 1) % vocabulary)
      : ((await r.normal([size]).data()) as Float32Array);
  if (dtype === 'float32') {
    const warm = r.normal([Math.max(2, inputShape[0]), ...inputShape.slice(1)]);
    warmUpBatchNorm(model, warm);
    warm.dispose();
  }
  const x = tensor(values, inputShape, dtype);
  const expected = noGrad(() => model.forward(x));
  const bytes = await exportOnnx(model, { inputShape, inputDType: dtype });
  const imported = importOnnx(bytes);
  const y = noGrad(() => imported.forward(x));
  expect(y.shape).toEqual(expected.shape);
  const want = (await expected.data()) as Float32Array;
  expectClose((await y.data()) as Float32Array, want, 'imported model');
  // exported again, run by ONNX Runtime
  const again = await exportOnnx(imported, { inputShape, inputDType: dtype });
  const onnxInput =
    dtype === 'int32'
      ? { data: values as Int32Array, shape: inputShape }
      : toOnnxLayout(values as Float32Array, inputShape);
  const ort = await runOrt(again, onnxInput);
  expectClose(ort.data, toOnnxLayout(want, expected.shape).data, 're-exported model in ONNX Runtime');
  dispose([x, expected, y]);
  imported.dispose();
}

describe('export -> import -> export', () => {
  const cases: [string, Record<string, unknown>, Shape, DType?][] = [
    ['mlp', { input: [12], classes: 4 }, [3, 12]],
    ['lenet5', { input: [28, 28, 1] }, [2, 28, 28, 1]],
    ['resnet20', {}, [2, 32, 32, 3]],
    ['densenet-bc-40-k12', {}, [1, 32, 32, 3]],
    ['lstm-classifier', { input: [6, 5] }, [2, 6, 5]],
    ['lstm-regressor', { input: [7, 3] }, [2, 7, 3]],
    ['char-lm', { classes: 12, input: [9] }, [2, 9], 'int32'],
    ['autoencoder', { input: [30] }, [3, 30]],
  ];
  for (const [name, request, inputShape, dtype] of cases) {
    it(`${name}`, async () => {
      setSeed(5);
      const arch = createArchitecture(name, request);
      await roundTrip(arch.model, inputShape, dtype ?? 'float32', (request.classes as number) ?? 10);
      arch.model.dispose();
    });
  }
  it('the DCGAN generator', async () => {
    setSeed(6);
    const arch = createArchitecture('dcgan', { input: [16, 16, 3] });
    const gan = arch.model as Module & { generator: Module };
    await roundTrip(gan.generator, [2, ...arch.inputShape]);
    gan.dispose();
  });
  it('an imported model frees everything it made', async () => {
    setSeed(7);
    const arch = createArchitecture('resnet20', {});
    const bytes = await exportOnnx(arch.model, { inputShape: [1, 32, 32, 3] });
    arch.model.dispose();
    await expectNoLeak(async () => {
      const m = importOnnx(bytes);
      const x = new Rng(1).normal([2, 32, 32, 3]);
      const y = noGrad(() => m.forward(x));
      await y.data();
      dispose([x, y]);
      m.dispose();
    });
  });
});
