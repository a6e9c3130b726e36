// Training with layers: gradients for every parameter (functional `valueAndGradOfModule` and the tape's
// `loss.backward()` agree), SGD steps that leak nothing, the textbook delta rule reproduced, XOR learned.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNorm,
  Dense,
  Dropout,
  meanSquaredError,
  type Parameter,
  Sequential,
  sumSquaredError,
  valueAndGradOfModule,
  withParameters,
} from '../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

const model = () =>
  new Sequential([
    new Dense(3, 5, { activation: 'tanh', rng: new d.Rng(3) }),
    new BatchNorm(5),
    new Dropout(0.2, { rng: new d.Rng(4) }),
    new Dense(5, 2, { activation: { name: 'leakyRelu', params: { alpha: 0.1 } }, rng: new d.Rng(5) }),
  ]);

const batch = () => {
  const rng = new d.Rng(9);
  return { x: rng.normal([8, 3]), y: rng.normal([8, 2]) };
};

/** One plain SGD step through core's fused update; assigning `p.value` frees the old tensor. */
function sgd(params: readonly Parameter[], grads: readonly d.Tensor[], lr: number): void {
  d.tidy(() => {
    params.forEach((p, i) => {
      p.value = d.optimizerUpdate('sgd', p.value, grads[i], [], { lr }).param;
    });
  });
}

describe('gradients of a module', () => {
  it('valueAndGradOfModule and loss.backward() give the same gradients for every parameter', async () => {
    await expectNoLeak(async () => {
      const m = model();
      const { x, y } = batch();
      // The two passes must see the same dropout mask and batch statistics: use twin models.
      const twin = model();
      const functional = valueAndGradOfModule(m, () => meanSquaredError(m.forward(x), y));
      const loss = d.tidy(() => {
        const l = meanSquaredError(twin.forward(x), y);
        l.backward();
        return l;
      });
      expect(await functional.value.item()).toBeCloseTo(await loss.item(), 6);
      expect(functional.parameters).toEqual(m.trainableParameters());
      const tape = twin.trainableParameters();
      for (let i = 0; i < tape.length; i++) {
        expect(tape[i].grad).not.toBeNull();
        expectClose(await values(functional.grads[i]), await values(tape[i].grad!), 1e-6, 1e-5);
      }
      // The functional path touched no .grad.
      expect(m.parameters().every((p) => p.grad === null)).toBe(true);
      twin.zeroGrad();
      expect(tape.every((p) => p.grad === null)).toBe(true);
      d.dispose([functional.value, functional.grads, loss, x, y]);
      m.dispose();
      twin.dispose();
    });
  });

  it('differentiates only the parameters asked for', async () => {
    await expectNoLeak(() => {
      const m = model();
      const { x, y } = batch();
      const last = m.trainableParameters().slice(-2);
      const r = valueAndGradOfModule(m, () => meanSquaredError(m.forward(x), y), last);
      expect(r.grads.map((g) => g.shape)).toEqual([[5, 2], [2]]);
      d.dispose([r.value, r.grads, x, y]);
      m.dispose();
    });
  });

  it('withParameters restores the parameters even when the body throws', () => {
    const m = new Dense(2, 2);
    const kernel = m.kernel.value;
    const other = d.zeros([2, 2]);
    expect(() =>
      withParameters(m, { kernel: other }, () => {
        expect(m.kernel.value).toBe(other);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(m.kernel.value).toBe(kernel);
    expect(other.isDisposed).toBe(false);
    expect(() => withParameters(m, { kernal: other }, () => 0)).toThrowError(/no parameter 'kernal'/);
    using wrong = d.zeros([3]);
    expect(() => withParameters(m, { kernel: wrong }, () => 0)).toThrow(d.ArgumentError);
    other.dispose();
    m.dispose();
  });
});

describe('training steps', () => {
  it('functional steps with SGD lower the loss and leak nothing (BN statistics included)', async () => {
    const m = model();
    const { x, y } = batch();
    const losses: number[] = [];
    await expectNoLeak(async () => {
      for (let step = 0; step < 20; step++) {
        const { value, grads, parameters } = valueAndGradOfModule(m, () => meanSquaredError(m.forward(x), y));
        sgd(parameters, grads, 0.1);
        losses.push(await value.item());
        d.dispose([value, grads]);
      }
    });
    expect(losses[19]).toBeLessThan(losses[0]);
    expect(await m.namedBuffers()[2][1].value.item()).toBe(20); // numBatchesTracked
    d.dispose([x, y]);
    m.dispose();
  });

  it('tape steps (backward, .grad, SGD, zeroGrad) lower the loss and leak nothing', async () => {
    const m = model();
    const { x, y } = batch();
    const losses: number[] = [];
    await expectNoLeak(async () => {
      for (let step = 0; step < 20; step++) {
        const loss = d.tidy(() => {
          const l = meanSquaredError(m.forward(x), y);
          l.backward();
          return l;
        });
        const params = m.trainableParameters();
        sgd(
          params,
          params.map((p) => p.grad!),
          0.1,
        );
        m.zeroGrad();
        losses.push(await loss.item());
        loss.dispose();
      }
    });
    expect(losses[19]).toBeLessThan(losses[0]);
    d.dispose([x, y]);
    m.dispose();
  });
});

describe('the seed’s backpropagation', () => {
  // The 3-4-2 sigmoid network of the introductory course, trained online (one example per step).
  const X = [
    [0, 0, 1],
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 0],
  ];
  const T = [
    [0, 1],
    [1, 0],
    [1, 0],
    [0, 1],
  ];

  it('autograd + SGD on ½Σ(t−o)² matches the delta rule written out by hand, after 100 steps', async () => {
    const eta = 0.5;
    const net = new Sequential([
      new Dense(3, 4, { activation: 'sigmoid', kernelInitializer: 'smallRandom', rng: new d.Rng(1) }),
      new Dense(4, 2, { activation: 'sigmoid', kernelInitializer: 'smallRandom', rng: new d.Rng(2) }),
    ]);
    const [l1, l2] = net.layers as Dense[];
    // The same starting weights, by hand: w1[i][h], b1[h], w2[h][k], b2[k].
    const w1 = (await l1.kernel.value.array()) as number[][];
    const b1 = await values(l1.bias!.value);
    const w2 = (await l2.kernel.value.array()) as number[][];
    const b2 = await values(l2.bias!.value);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    for (let step = 0; step < 100; step++) {
      const x = X[step % 4];
      const t = T[step % 4];
      const oh = b1.map((b, h) => sig(b + x.reduce((s, xi, i) => s + xi * w1[i][h], 0)));
      const ok = b2.map((b, k) => sig(b + oh.reduce((s, o, h) => s + o * w2[h][k], 0)));
      const dk = ok.map((o, k) => o * (1 - o) * (t[k] - o)); // δk = ok(1−ok)(tk−ok)
      const dh = oh.map((o, h) => o * (1 - o) * dk.reduce((s, dd, k) => s + w2[h][k] * dd, 0)); // δh
      for (let h = 0; h < 4; h++) for (let k = 0; k < 2; k++) w2[h][k] += eta * dk[k] * oh[h]; // Δw = η δ x
      for (let k = 0; k < 2; k++) b2[k] += eta * dk[k];
      for (let i = 0; i < 3; i++) for (let h = 0; h < 4; h++) w1[i][h] += eta * dh[h] * x[i];
      for (let h = 0; h < 4; h++) b1[h] += eta * dh[h];
    }
    await expectNoLeak(() => {
      for (let step = 0; step < 100; step++) {
        d.tidy(() => {
          const x = d.tensor([X[step % 4]]);
          const t = d.tensor([T[step % 4]]);
          const { value, grads, parameters } = valueAndGradOfModule(net, () =>
            sumSquaredError(net.forward(x), t),
          );
          sgd(parameters, grads, eta);
          d.dispose([value, grads]);
        });
      }
    });
    expectClose(await values(l1.kernel.value), w1.flat(), 1e-6, 0);
    expectClose(await values(l1.bias!.value), b1, 1e-6, 0);
    expectClose(await values(l2.kernel.value), w2.flat(), 1e-6, 0);
    expectClose(await values(l2.bias!.value), b2, 1e-6, 0);
    net.dispose();
  });

  it('a 2-2-1 sigmoid network learns XOR (seeded, deterministic)', async () => {
    const net = new Sequential([
      new Dense(2, 2, { activation: 'sigmoid', rng: new d.Rng(7) }),
      new Dense(2, 1, { activation: 'sigmoid', rng: new d.Rng(8) }),
    ]);
    const x = d.tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const t = d.tensor([[0], [1], [1], [0]]);
    await expectNoLeak(() => {
      for (let step = 0; step < 1500; step++) {
        const { value, grads, parameters } = valueAndGradOfModule(net, () =>
          sumSquaredError(net.forward(x), t),
        );
        sgd(parameters, grads, 2);
        d.dispose([value, grads]);
      }
    });
    const out = d.noGrad(() => net.forward(x));
    const o = await values(out);
    expect(o.map((v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    expect(Math.max(o[0], o[3])).toBeLessThan(0.2);
    expect(Math.min(o[1], o[2])).toBeGreaterThan(0.8);
    d.dispose([x, t, out]);
    net.dispose();
  });
});
