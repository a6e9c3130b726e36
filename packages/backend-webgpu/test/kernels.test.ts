// The shape-chosen variants the conformance fixtures (small shapes) rarely reach, against backend-cpu:
// the tiled GEMM (every transpose, broadcast batches, fused bias + activation), implicit-GEMM
// convolutions with strides, dilations and groups and both gradients in the tiled regime, depthwise,
// tree reductions over strided axes, pooling gradients, softmax along a middle axis. No leaks.
import * as d from '@dendrite/core';
import { expectNoLeak } from '@dendrite/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { CPU, scaledErrors, useWebGPU } from './helpers.js';

const GPU = 'webgpu-kernels';
beforeAll(async () => {
  await useWebGPU(GPU);
});

interface Input {
  shape: number[];
  values: number[];
  dtype?: d.DType;
}

function randn(shape: number[], seed: number): Input {
  let s = seed * 2654435761;
  const n = shape.reduce((p, v) => p * v, 1);
  const values = Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    return ((s >>> 8) / 2 ** 24) * 2 - 1;
  });
  return { shape, values };
}

/** Runs `f` on both backends from the same inputs; every output within `rtol` of backend-cpu's, relative to its scale. */
async function matches(inputs: Input[], f: (...xs: d.Tensor[]) => d.Tensor | d.Tensor[], rtol = 1e-4) {
  const run = async (name: string) => {
    await d.setBackend(name);
    const xs = inputs.map((i) => d.tensor(i.values, i.shape, i.dtype ?? 'float32'));
    const out = f(...xs);
    const outs = Array.isArray(out) ? out : [out];
    const values = [];
    for (const o of outs) values.push({ shape: o.shape, data: Array.from(await o.data()) });
    d.dispose([...xs, ...outs]);
    return values;
  };
  const want = await run(CPU);
  await expectNoLeak(async () => {
    const got = await run(GPU);
    expect(got.length).toBe(want.length);
    for (const [i, g] of got.entries()) {
      expect(g.shape).toEqual(want[i].shape);
      expect(scaledErrors(g.data, want[i].data, rtol), `output ${i}`).toEqual([]);
    }
  });
}

const gradOf =
  (f: (...xs: d.Tensor[]) => d.Tensor) =>
  (...xs: d.Tensor[]) => {
    const { value, grads } = d.valueAndGrad((...ys: d.Tensor[]) => d.sum(d.square(f(...ys))))(...xs);
    return [value, ...grads];
  };

describe('tiled GEMM', () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    it(`matmul 70x45 @ 45x66, transposeA ${ta}, transposeB ${tb}`, async () => {
      const a = randn(ta ? [45, 70] : [70, 45], 1);
      const b = randn(tb ? [66, 45] : [45, 66], 2);
      await matches([a, b], (x, y) => d.matmul(x, y, { transposeA: ta, transposeB: tb }));
    });
  }

  it('vec4 loads: batched [2,70,32] @ [32,68] and [2,40,48] @ [2,48,36] (rows of whole vec4s)', async () => {
    await matches([randn([2, 70, 32], 30), randn([32, 68], 31)], (x, y) => d.matmul(x, y));
    await matches([randn([2, 40, 48], 32), randn([2, 48, 36], 33)], (x, y) => d.matmul(x, y));
    await matches([randn([2, 40, 48], 34), randn([2, 36, 48], 35)], (x, y) =>
      d.matmul(x, y, { transposeB: true }),
    );
  });

  it('broadcast batches [3,1,40,33] @ [2,33,36]', async () => {
    await matches([randn([3, 1, 40, 33], 3), randn([2, 33, 36], 4)], (x, y) => d.matmul(x, y));
  });

  it('fusedMatmul with bias and relu, and its gradients', async () => {
    const inputs = [randn([64, 48], 5), randn([48, 80], 6), randn([80], 7)];
    await matches(inputs, (x, y, b) => d.fusedMatmul(x, y, { bias: b, activation: 'relu' }));
    await matches(
      inputs,
      gradOf((x, y, b) => d.fusedMatmul(x, y, { bias: b, activation: 'tanh' })),
    );
  });

  it('small and thin shapes take the one-output-per-thread variant', async () => {
    await matches([randn([1, 300], 8), randn([300, 5], 9)], (x, y) => d.matmul(x, y));
  });
});

describe('convolutions as implicit GEMMs', () => {
  it('strided, padded conv2d with bias and its gradients (tiled)', async () => {
    const inputs = [randn([2, 9, 9, 8], 10), randn([3, 3, 8, 40], 11), randn([40], 12)];
    await matches(
      inputs,
      gradOf((x, f, b) => d.conv2d(x, f, { strides: 2, padding: 'same', bias: b })),
    );
  });

  it('dilated conv2d with 32 input channels: the input gradient runs tiled too', async () => {
    const inputs = [randn([1, 8, 8, 32], 13), randn([3, 3, 32, 32], 14)];
    await matches(
      inputs,
      gradOf((x, f) => d.conv2d(x, f, { dilations: 2, padding: 'same' })),
    );
  });

  it('grouped conv2d (2 groups) and depthwise conv2d (multiplier 2) with gradients', async () => {
    await matches(
      [randn([2, 7, 7, 8], 15), randn([3, 3, 4, 40], 16)],
      gradOf((x, f) => d.conv2d(x, f, { groups: 2, padding: 'valid' })),
    );
    await matches(
      [randn([2, 7, 7, 8], 17), randn([3, 3, 1, 16], 18)],
      gradOf((x, f) => d.conv2d(x, f, { groups: 8, strides: 2, padding: 'same' })),
    );
  });
});

describe('reductions and the rest', () => {
  it('tree reductions over strided and split axes', async () => {
    const x = randn([3, 300, 5], 19);
    await matches([x], (t) => [d.sum(t, 1), d.max(t, [0, 2]), d.min(t, 1), d.sum(t)]);
    const ones = { shape: [400], values: randn([400], 20).values.map((v) => 1 + v * 0.01) };
    await matches([ones], (t) => d.prod(t));
    const ints = {
      shape: [500, 2],
      values: Array.from({ length: 1000 }, (_, i) => (i % 7) - 3),
      dtype: 'int32' as const,
    };
    await matches([ints], (t) => [d.sum(t, 0), d.max(t, 0)]);
  });

  it('max and average pooling gradients with padding and overlapping windows', async () => {
    const x = randn([2, 7, 7, 3], 21);
    await matches(
      [x],
      gradOf((t) => d.maxPool2d(t, 3, { strides: 2, padding: 'same' })),
    );
    await matches(
      [x],
      gradOf((t) => d.avgPool2d(t, 3, { strides: 2, padding: 'same' })),
    );
  });

  it('softmax and logSoftmax along a middle axis, long rows', async () => {
    const x = randn([3, 500, 4], 22);
    await matches([x], (t) => [d.softmax(t, 1), d.logSoftmax(t, 1)]);
  });
});
