/**
 * Every reference architecture (and models of the layers package's layers) exported and run in ONNX
 * Runtime, an independent engine: its outputs must equal Dendrite's within 1e-4 + 1e-3·|e|.
 */
import { createArchitecture } from '@dendrite/architectures';
import { type DType, dispose, noGrad, Rng, type Shape, setSeed, tensor } from '@dendrite/core';
import {
  ActivationLayer,
  AvgPool2D,
  BatchNorm,
  Concat,
  Conv2D,
  Conv2DTranspose,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Flatten,
  GlobalAvgPool2D,
  Identity,
  LayerNorm,
  LSTM,
  MaxPool2D,
  type Module,
  Reshape,
  Residual,
  Sequential,
} from '@dendrite/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index.js';
import {
  expectClose,
  expectOnnxCheckerAccepts,
  hasOnnxChecker,
  runOrt,
  toOnnxLayout,
  useCpu,
  warmUpBatchNorm,
} from './helpers.js';

beforeAll(async () => {
  await useCpu();
});

/** Exports `model`, runs it in ONNX Runtime and compares with Dendrite's own forward pass. */
async function checkAgainstOrt(
  model: Module,
  inputShape: Shape,
  inputDType: DType = 'float32',
  vocabulary = 10,
) {
  const r = new Rng(7);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const values =
    inputDType === 'int32'
      ? Int32Array.from({ length: size }, (_, i) => (i * 7 + 3) % vocabulary)
      : ((await r.normal([size]).data()) as Float32Array);
  const x = tensor(values, inputShape, inputDType);
  if (inputDType === 'float32') {
    // Batch statistics need more than one value per channel: warm up on a batch of at least 2.
    const warm = r.normal([Math.max(2, inputShape[0]), ...inputShape.slice(1)]);
    warmUpBatchNorm(model, warm);
    warm.dispose();
  }
  model.eval();
  const y = noGrad(() => model.forward(x));
  const expected = toOnnxLayout((await y.data()) as Float32Array, y.shape);
  const bytes = await exportOnnx(model, { inputShape, inputDType });
  const input =
    inputDType === 'int32'
      ? { data: values as Int32Array, shape: inputShape }
      : toOnnxLayout(values as Float32Array, inputShape);
  const got = await runOrt(bytes, input);
  if (hasOnnxChecker) expectOnnxCheckerAccepts(bytes);
  expect(got.shape).toEqual(expected.shape);
  expectClose(got.data, expected.data);
  dispose([x, y]);
  return bytes;
}

describe('exportOnnx: reference architectures in ONNX Runtime', () => {
  const cases: [string, Record<string, unknown>, Shape, DType?][] = [
    ['mlp', { input: [20], classes: 5 }, [3, 20]],
    ['mlp', { input: [8, 8, 1], classes: 4 }, [2, 8, 8, 1]],
    ['lenet5', {}, [2, 32, 32, 1]],
    ['lenet5', { input: [28, 28, 1] }, [2, 28, 28, 1]],
    ['resnet18', { classes: 10, input: [32, 32, 3] }, [1, 32, 32, 3]],
    ['resnet50', { classes: 10, input: [32, 32, 3] }, [1, 32, 32, 3]],
    ['resnet20', {}, [2, 32, 32, 3]],
    ['densenet121', { classes: 10, input: [32, 32, 3] }, [1, 32, 32, 3]],
    ['densenet-40-k12', {}, [1, 32, 32, 3]],
    ['densenet-bc-40-k12', {}, [1, 32, 32, 3]],
    ['lstm-classifier', { input: [6, 5] }, [2, 6, 5]],
    ['lstm-regressor', { input: [7, 3] }, [2, 7, 3]],
    ['char-lm', { classes: 12, input: [9] }, [2, 9], 'int32'],
    ['autoencoder', { input: [30] }, [3, 30]],
  ];
  for (const [name, request, inputShape, dtype] of cases) {
    it(`${name} ${JSON.stringify(request)}`, async () => {
      setSeed(1);
      const arch = createArchitecture(name, request);
      await checkAgainstOrt(arch.model, inputShape, dtype ?? 'float32', (request.classes as number) ?? 10);
      arch.model.dispose();
    });
  }

  for (const [name, request] of [
    ['mlp-gan', { input: [2] }],
    ['dcgan', { input: [16, 16, 3] }],
  ] as const) {
    it(`${name}: the generator, and the whole GAN`, async () => {
      setSeed(2);
      const arch = createArchitecture(name, request);
      const gan = arch.model as Module & { generator: Module };
      await checkAgainstOrt(gan.generator, [3, ...arch.inputShape]);
      await checkAgainstOrt(gan, [3, ...arch.inputShape]);
      gan.dispose();
    });
  }
});

it.skipIf(hasOnnxChecker)(
  '(the onnx checker did not run on these models: apt-get install python3-onnx)',
  () => {},
);

describe('exportOnnx: layers', () => {
  it('convolutions (grouped, dilated, same padding, depthwise, transposed) with activations', async () => {
    setSeed(3);
    const model = new Sequential([
      new Conv2D(4, 8, 3, { padding: 'same', activation: { name: 'leakyRelu', params: { alpha: 0.1 } } }),
      new Conv2D(8, 8, 3, { groups: 2, dilations: 2, strides: 2, padding: 'same', activation: 'elu' }),
      new DepthwiseConv2D(8, 3, {
        multiplier: 2,
        padding: [
          [1, 0],
          [0, 1],
        ],
        activation: 'gelu',
      }),
      new BatchNorm(16),
      new ActivationLayer('relu6'),
      new Conv2DTranspose(16, 6, 3, { strides: 2, padding: 'same', activation: 'sigmoid' }),
      new Conv2DTranspose(6, 3, 4, {
        strides: 2,
        padding: [
          [1, 1],
          [1, 1],
        ],
        outputPadding: 1,
      }),
      new AvgPool2D(2, { strides: 1, padding: 'same' }),
      new MaxPool2D(3, {
        strides: 2,
        padding: [
          [1, 1],
          [1, 1],
        ],
      }),
      new ActivationLayer({ name: 'hardSigmoid', params: { alpha: 0.2, beta: 0.4 } }),
    ]);
    await checkAgainstOrt(model, [2, 11, 9, 4]);
    model.dispose();
  });

  it('residual, concat, flatten, reshape, dropout, identity, layer norm, softmax', async () => {
    setSeed(4);
    const model = new Sequential([
      new Residual(new Conv2D(3, 3, 3, { padding: 'same' }), { activation: 'tanh' }),
      new Concat([new Identity(), new Conv2D(3, 2, 1, { activation: 'swish' })]),
      new GlobalAvgPool2D({ keepdims: true }),
      new Flatten(),
      new Dropout(0.5),
      new Dense(5, 12, { activation: 'softplus' }),
      new Reshape([3, 4]),
      new LayerNorm(4),
      new LSTM(4, 6),
      new Dense(6, 3, { activation: 'selu' }),
      new ActivationLayer('logSoftmax'),
    ]);
    await checkAgainstOrt(model, [2, 7, 7, 3]);
    model.dispose();
  });

  it('refuses a function activation with a typed error', async () => {
    const model = new Sequential([new Dense(3, 2, { activation: (x) => x })]);
    await expect(exportOnnx(model, { inputShape: [1, 3] })).rejects.toThrow(/function/);
    model.dispose();
  });
});
