import { registerCpuBackend } from '@dendrite/backend-cpu';
import * as d from '@dendrite/core';
import { checkGradients } from '@dendrite/core/conformance';
import { withParameters } from '@dendrite/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqueezeExcitation } from '../src/index.js';

beforeAll(async () => {
  registerCpuBackend();
  await d.setBackend('cpu');
});

async function noLeak(body: () => Promise<void> | void) {
  const before = d.memory();
  await body();
  const after = d.memory();
  expect([after.tensors, after.bytes]).toEqual([before.tensors, before.bytes]);
}

/** The block written out in plain float64 JavaScript: an independent reference. */
function reference(
  x: Float32Array,
  [n, h, w, c]: number[],
  w1: Float32Array,
  b1: Float32Array,
  w2: Float32Array,
  b2: Float32Array,
  hidden: number,
) {
  const out = new Float64Array(x.length);
  for (let b = 0; b < n; b++) {
    const pooled = new Float64Array(c);
    for (let i = 0; i < h * w; i++)
      for (let k = 0; k < c; k++) pooled[k] += x[(b * h * w + i) * c + k] / (h * w);
    const z = Array.from({ length: hidden }, (_, j) =>
      Math.max(0, b1[j] + pooled.reduce((s, p, k) => s + p * w1[k * hidden + j], 0)),
    );
    const gate = Array.from(
      { length: c },
      (_, k) => 1 / (1 + Math.exp(-(b2[k] + z.reduce((s, v, j) => s + v * w2[j * c + k], 0)))),
    );
    for (let i = 0; i < h * w; i++)
      for (let k = 0; k < c; k++) out[(b * h * w + i) * c + k] = x[(b * h * w + i) * c + k] * gate[k];
  }
  return out;
}

describe('SqueezeExcitation (a layer contributed as a package)', () => {
  it('matches a hand-written reference', async () => {
    await noLeak(async () => {
      const rng = new d.Rng(1);
      const se = new SqueezeExcitation(6, { reduction: 2, rng });
      const x = rng.normal([2, 3, 4, 6]);
      const y = se.forward(x);
      const [w1, b1, w2, b2] = await Promise.all(
        se.parameters().map(async (p) => (await p.value.data()) as Float32Array),
      );
      const expected = reference((await x.data()) as Float32Array, [2, 3, 4, 6], w1, b1, w2, b2, 3);
      const got = await y.data();
      expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-5);
      d.dispose([x, y]);
      se.dispose();
    });
  });

  it('has correct gradients for its input and every parameter (finite differences)', async () => {
    await noLeak(async () => {
      const rng = new d.Rng(2);
      const se = new SqueezeExcitation(4, { reduction: 2, rng });
      const names = se.namedParameters().map(([name]) => name);
      const x = rng.normal([1, 3, 3, 4]);
      const params = se.parameters().map((p) => d.alias(p.value));
      const r = await checkGradients(
        (input, ...ps) =>
          withParameters(se, Object.fromEntries(names.map((n, i) => [n, ps[i]])), () => se.forward(input)),
        [x, ...params],
      );
      expect(r.reason ?? 'ok').toBe('ok');
      d.dispose([x, params]);
      se.dispose();
    });
  });

  it('reports shape, parameters and MACs, and round-trips its state', async () => {
    await noLeak(() => {
      const se = new SqueezeExcitation(32, { reduction: 8 });
      const info = se.describe([2, 8, 8, 32]);
      expect(info.outputShape).toEqual([2, 8, 8, 32]);
      expect(info.params).toBe(32 * 4 + 4 + 4 * 32 + 32);
      expect(info.macs).toBe(2 * (32 * 4 + 4 * 32));
      const copy = new SqueezeExcitation(32, { reduction: 8, rng: new d.Rng(9) });
      copy.loadStateDict(se.stateDict());
      expect(copy.stateDict()['squeeze.kernel']).toBeDefined();
      se.dispose();
      copy.dispose();
    });
  });

  it('refuses an input with the wrong channel count, naming the layer and shapes', () => {
    const se = new SqueezeExcitation(8);
    const x = d.zeros([1, 2, 2, 3]);
    expect(() => se.forward(x)).toThrowError(d.ShapeError);
    expect(() => se.forward(x)).toThrowError(
      /SqueezeExcitation.*expected input \[N, H, W, 8\], got \[1, 2, 2, 3\]/,
    );
    x.dispose();
    se.dispose();
  });
});
