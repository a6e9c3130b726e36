import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LSTM } from '../../src/index.js';
import { expectClose, expectLayerGradients, expectNoLeak, useCpu, values } from '../helpers.js';
import { sigmoid } from '../reference.js';

beforeAll(() => useCpu());

/** The LSTM recurrence in float64: gates i, f, g, o from x_t W + h U + b. */
function lstmRef(
  x: number[],
  [batch, steps, input]: number[],
  W: number[],
  U: number[],
  b: number[],
  hidden: number,
  h0?: number[],
  c0?: number[],
) {
  const h = h0 ? [...h0] : new Array(batch * hidden).fill(0);
  const c = c0 ? [...c0] : new Array(batch * hidden).fill(0);
  const y: number[] = new Array(batch * steps * hidden).fill(0);
  const H4 = 4 * hidden;
  for (let t = 0; t < steps; t++) {
    for (let n = 0; n < batch; n++) {
      const z = b.slice();
      for (let j = 0; j < H4; j++) {
        for (let k = 0; k < input; k++) z[j] += x[(n * steps + t) * input + k] * W[k * H4 + j];
        for (let k = 0; k < hidden; k++) z[j] += h[n * hidden + k] * U[k * H4 + j];
      }
      for (let u = 0; u < hidden; u++) {
        const [i, f, g, o] = [
          sigmoid(z[u]),
          sigmoid(z[hidden + u]),
          Math.tanh(z[2 * hidden + u]),
          sigmoid(z[3 * hidden + u]),
        ];
        c[n * hidden + u] = f * c[n * hidden + u] + i * g;
        h[n * hidden + u] = o * Math.tanh(c[n * hidden + u]);
        y[(n * steps + t) * hidden + u] = h[n * hidden + u];
      }
    }
  }
  return { y, h, c };
}

describe('LSTM', () => {
  it('runs the recurrence of the reference, from zeros and from a given state', async () => {
    await expectNoLeak(async () => {
      const lstm = new LSTM(3, 4, { rng: new d.Rng(1), biasInitializer: 'smallRandom' });
      using x = new d.Rng(2).normal([2, 5, 3]);
      using h0 = new d.Rng(3).normal([2, 4]);
      using c0 = new d.Rng(4).normal([2, 4]);
      const [W, U, b] = await Promise.all(
        [lstm.kernel, lstm.recurrentKernel, lstm.bias].map((p) => values(p.value)),
      );
      const xs = await values(x);
      for (const initial of [undefined, { h: h0, c: c0 }]) {
        const ref = lstmRef(
          xs,
          [2, 5, 3],
          W,
          U,
          b,
          4,
          initial && (await values(h0)),
          initial && (await values(c0)),
        );
        const r = lstm.forwardWithState(x, initial);
        expect([r.y.shape, r.h.shape, r.c.shape]).toEqual([
          [2, 5, 4],
          [2, 4],
          [2, 4],
        ]);
        expectClose(await values(r.y), ref.y);
        expectClose(await values(r.h), ref.h);
        expectClose(await values(r.c), ref.c);
        d.dispose(r);
      }
      lstm.dispose();
    });
  });

  it('forward returns the sequence, or the last hidden state with returnSequences: false', async () => {
    await expectNoLeak(async () => {
      const seq = new LSTM(2, 3, { rng: new d.Rng(5) });
      const last = new LSTM(2, 3, { rng: new d.Rng(5), returnSequences: false });
      using x = new d.Rng(6).normal([4, 6, 2]);
      using ys = seq.forward(x);
      using yl = last.forward(x);
      expect(ys.shape).toEqual([4, 6, 3]);
      expect(yl.shape).toEqual([4, 3]);
      using tail = d.tidy(() => d.reshape(d.slice(ys, [0, 5, 0], [4, 1, 3]), [4, 3]));
      expect(await values(yl)).toEqual(await values(tail));
      expect(last.describe([4, 6, 2]).outputShape).toEqual([4, 3]);
      seq.dispose();
      last.dispose();
    });
  });

  it('has gradients through time for x and every weight (finite differences)', async () => {
    await expectNoLeak(async () => {
      const lstm = new LSTM(2, 3, { rng: new d.Rng(7), biasInitializer: 'smallRandom' });
      using x = new d.Rng(8).normal([2, 3, 2]);
      await expectLayerGradients(lstm, x, ['kernel', 'recurrentKernel', 'bias']);
      lstm.dispose();
    });
  });

  it('starts the forget gate bias at 1, counts its parameters, and refuses wrong shapes', async () => {
    const lstm = new LSTM(5, 2, { name: 'enc' });
    expect(await values(lstm.bias.value)).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    expect(lstm.describe([1, 7, 5])).toMatchObject({ params: 5 * 8 + 2 * 8 + 8, macs: 0 });
    using x = d.zeros([1, 7, 4]);
    expect(() => lstm.forward(x)).toThrowError("LSTM 'enc': expected input [batch, time, 5], got [1, 7, 4]");
    using ok = d.zeros([3, 7, 5]);
    using h = d.zeros([2, 2]);
    expect(() => lstm.forwardWithState(ok, { h })).toThrowError(/initial h \[2, 2\] must be \[3, 2\]/);
    lstm.dispose();
  });
});
