// Training on wasm: a small CNN (conv, batch norm, relu, max-pool, dense, softmax cross-entropy) matches
// backend-cpu step for step; weights updated every step never meet a stale XNNPACK operator; memory is
// flat over 200 steps; a LeNet-5-sized net learns.
import {
  batchNorm,
  conv2d,
  dispose,
  flatten,
  fusedMatmul,
  matmul,
  maxPool2d,
  mean,
  memory,
  moments,
  optimizerUpdate,
  relu,
  reshape,
  setBackend,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
  zerosLike,
} from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WasmData } from '../src/runtime/wasm-data.js';
import type { WasmBackend } from '../src/wasm-backend.js';
import { CPU, type Input, randn, useWasm } from './helpers.js';

const W = 'wasm-training';
let backend: WasmBackend;
beforeAll(async () => {
  backend = await useWasm(W, { threads: 2 });
});

const oneHot = (labels: number[], classes: number): Input => ({
  shape: [labels.length, classes],
  values: labels.flatMap((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0))),
});

/** conv 3x3 (+bias) → batch norm → relu → max-pool 2 → dense → softmax cross-entropy. */
function smallCnnLoss([f, fb, gamma, beta, w, b]: Tensor[], x: Tensor, y: Tensor): Tensor {
  const h = conv2d(x, f, { padding: 'same', bias: fb });
  const n = batchNorm(h, moments(h), gamma, beta);
  const p = maxPool2d(relu(n), 2);
  const logits = fusedMatmul(flatten(p), w, { bias: b });
  return mean(softmaxCrossEntropy(logits, y));
}

const smallCnn = {
  params: [
    randn([3, 3, 2, 4], 1),
    randn([4], 2),
    randn([4], 3),
    randn([4], 4),
    randn([36, 3], 5),
    randn([3], 6),
  ],
  x: randn([4, 6, 6, 2], 7),
  y: oneHot([0, 2, 1, 2], 3),
};

/** `steps` SGD-with-momentum steps; the parameter values after each. */
async function train(
  name: string,
  model: { params: Input[]; x: Input; y: Input },
  loss: (ps: Tensor[], x: Tensor, y: Tensor) => Tensor,
  steps: number,
  lr: number,
): Promise<{ params: number[][][]; losses: number[] }> {
  await setBackend(name);
  const x = tensor(Array.from(model.x.values), model.x.shape);
  const y = tensor(Array.from(model.y.values), model.y.shape);
  let params = model.params.map((p) => tensor(Array.from(p.values), p.shape));
  let bufs = params.map((p) => zerosLike(p));
  const history: number[][][] = [];
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { value, grads } = valueAndGrad((...ps: Tensor[]) => loss(ps, x, y))(...params);
    losses.push(value.dataSync()[0]);
    const updates = params.map((p, i) =>
      optimizerUpdate('sgd', p, grads[i], [bufs[i]], { lr, momentum: 0.9, firstStep: step === 0 }),
    );
    dispose([value, ...grads, ...params, ...bufs]);
    params = updates.map((u) => u.param);
    bufs = updates.map((u) => u.state[0]);
    history.push(params.map((p) => Array.from(p.dataSync())));
  }
  dispose([x, y, ...params, ...bufs]);
  return { params: history, losses };
}

function expectRelClose(got: number[], want: number[], rtol: number): void {
  for (let i = 0; i < want.length; i++) {
    const tol = rtol * Math.max(Math.abs(want[i]), 1e-2);
    expect(Math.abs(got[i] - want[i]), `element ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol);
  }
}

describe('training', () => {
  it('three SGD steps of a small CNN match backend-cpu within 1e-4 relative', async () => {
    const want = await train(CPU, smallCnn, smallCnnLoss, 3, 0.1);
    const before = memory();
    const got = await train(W, smallCnn, smallCnnLoss, 3, 0.1);
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
    for (const [s, step] of got.params.entries())
      for (const [i, p] of step.entries()) expectRelClose(p, want.params[s][i], 1e-4);
    expectRelClose(got.losses, want.losses, 1e-4);
  });

  it('weights replaced by optimizer steps never reuse a stale XNNPACK operator', async () => {
    // Each step: the weight feeds matmul and conv (XNNPACK caches operators under its id), then an
    // optimizer update replaces it. The freed block comes back for a later weight; its id must not.
    const run = async (name: string) => {
      await setBackend(name);
      const x = tensor(Array.from(randn([2, 6], 8).values), [2, 6]);
      const img = tensor(Array.from(randn([1, 4, 4, 6], 9).values), [1, 4, 4, 6]);
      let w = tensor(Array.from(randn([6, 6], 10).values), [6, 6]);
      const outs: number[][] = [];
      const blocks: number[] = [];
      for (let step = 0; step < 6; step++) {
        if (name === W) blocks.push((w as unknown as { storage: { id: WasmData } }).storage.id.ptr);
        outs.push(
          tidy(() => [
            ...matmul(x, w).dataSync(),
            ...conv2d(img, reshape(w, [1, 1, 6, 6])).dataSync(),
            ...matmul(x, w).dataSync(),
          ]),
        );
        const g = tidy(() => matmul(x, x, { transposeA: true }));
        const next = optimizerUpdate('sgd', w, g, [], { lr: 0.05 });
        dispose([g, w]);
        w = next.param;
      }
      dispose([x, img, w]);
      return { outs, blocks };
    };
    const want = await run(CPU);
    const got = await run(W);
    // The allocator did hand a weight's block to a later weight…
    expect(new Set(got.blocks).size).toBeLessThan(got.blocks.length);
    // …and every step still computed with that step's weights.
    for (const [s, o] of got.outs.entries()) expectRelClose(o, want.outs[s], 1e-4);
  });

  it('memory is flat over 200 training steps', async () => {
    await setBackend(W);
    const x = tensor(Array.from(smallCnn.x.values), smallCnn.x.shape);
    const y = tensor(Array.from(smallCnn.y.values), smallCnn.y.shape);
    let params = smallCnn.params.map((p) => tensor(Array.from(p.values), p.shape));
    const marks: unknown[] = [];
    for (let step = 0; step < 200; step++) {
      const { value, grads } = valueAndGrad((...ps: Tensor[]) => smallCnnLoss(ps, x, y))(...params);
      const next = params.map((p, i) => optimizerUpdate('sgd', p, grads[i], [], { lr: 0.05 }).param);
      dispose([value, ...grads, ...params]);
      params = next;
      if (step === 20 || step === 199) {
        const m = memory();
        marks.push({ tensors: m.tensors, bytes: m.bytes, heap: backend.info().heapBytes });
      }
    }
    expect(marks[1]).toEqual(marks[0]);
    dispose([x, y, ...params]);
  });

  it('the loss of a LeNet-5-sized net falls over 50 steps', async () => {
    const lenet = {
      params: [
        Array.from(randn([5, 5, 1, 6], 11).values).map((v) => v * 0.2),
        new Array(6).fill(0),
        Array.from(randn([5, 5, 6, 16], 12).values).map((v) => v * 0.08),
        new Array(16).fill(0),
        Array.from(randn([256, 120], 13).values).map((v) => v * 0.06),
        new Array(120).fill(0),
        Array.from(randn([120, 84], 14).values).map((v) => v * 0.09),
        new Array(84).fill(0),
        Array.from(randn([84, 10], 15).values).map((v) => v * 0.1),
        new Array(10).fill(0),
      ].map((values, i) => ({
        shape: [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [256, 120], [120], [120, 84], [84], [84, 10], [10]][
          i
        ],
        values,
      })),
      x: randn([16, 28, 28, 1], 16),
      y: oneHot(
        Array.from({ length: 16 }, (_, i) => (i * 7) % 10),
        10,
      ),
    };
    const loss = ([c1, b1, c2, b2, w1, d1, w2, d2, w3, d3]: Tensor[], x: Tensor, y: Tensor) => {
      const h1 = maxPool2d(relu(conv2d(x, c1, { bias: b1 })), 2);
      const h2 = maxPool2d(relu(conv2d(h1, c2, { bias: b2 })), 2);
      const f1 = fusedMatmul(flatten(h2), w1, { bias: d1, activation: 'relu' });
      const f2 = fusedMatmul(f1, w2, { bias: d2, activation: 'relu' });
      return mean(softmaxCrossEntropy(fusedMatmul(f2, w3, { bias: d3 }), y));
    };
    const { losses } = await train(W, lenet, loss, 50, 0.02);
    expect(losses[49]).toBeLessThan(0.5 * losses[0]);
  });
});
