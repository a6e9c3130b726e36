import { Worker } from 'node:worker_threads';
import { memory } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDendriteCpuPeer } from '../src/dendrite.js';
import { createJaxPeer, jaxMatmulStep } from '../src/jaxjs.js';
import type { Peer, Step } from '../src/types.js';
import { w3 } from '../src/w3-mlp-train.js';

async function runs(step: Step, n: number): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(await step.run());
  return values;
}

describe('jax-js peer (wasm device)', () => {
  let jax: Peer;
  let dendrite: Peer;

  beforeAll(async () => {
    jax = await createJaxPeer();
    dendrite = await createDendriteCpuPeer();
  });

  it('reports its version and device', () => {
    expect(jax.id).toBe('jax-js');
    expect(jax.version).toBe('@jax-js/jax 0.1.25, wasm');
  });

  it('counts live device buffers: the matmul step holds two, and frees them', async () => {
    await jax.activate();
    const before = jax.liveTensors();
    const n = 3;
    const a = Float32Array.from({ length: n * n }, (_, i) => i + 1);
    const b = Float32Array.from({ length: n * n }, (_, i) => 2 - i);
    const step = jaxMatmulStep(a, b, n);
    expect(jax.liveTensors()).toBe(before + 2);
    // (AB)[0][0] = 1·2 + 2·(−1) + 3·(−4)
    expect(await step.run()).toBe(-12);
    expect(await step.run()).toBe(-12);
    expect(jax.liveTensors()).toBe(before + 2);
    step.dispose();
    expect(jax.liveTensors()).toBe(before);
  });

  it('still works once another wasm runtime has installed a global Worker', async () => {
    // What the Emscripten runtimes of Dendrite's and tfjs's wasm backends do in Node.
    Object.assign(globalThis, { Worker });
    try {
      const n = 5; // a kernel not generated before
      const step = jaxMatmulStep(new Float32Array(n * n).fill(1), new Float32Array(n * n).fill(2), n);
      expect(await step.run()).toBe(10);
      step.dispose();
      expect(globalThis).toHaveProperty('Worker', Worker);
    } finally {
      Reflect.deleteProperty(globalThis, 'Worker');
    }
  });

  it('W3: its SGD steps give the losses of Dendrite (backend-cpu), without leaking', async () => {
    const impl = w3.cases[0].prepare();

    await dendrite.activate();
    const dendriteBefore = memory().tensors;
    const dendriteStep = impl.dendrite();
    const expected = await runs(dendriteStep, 3);
    dendriteStep.dispose();
    expect(memory().tensors).toBe(dendriteBefore);

    await jax.activate();
    const before = jax.liveTensors();
    const jaxStep = impl.jax!();
    const first = await runs(jaxStep, 2);
    const live = jax.liveTensors();
    const later = await runs(jaxStep, 3);
    expect(jax.liveTensors()).toBe(live);
    jaxStep.dispose();
    expect(jax.liveTensors()).toBe(before);

    const losses = [...first, ...later];
    expect(losses[0]).toBeCloseTo(expected[0], 4);
    // The parameters really are updated, as Dendrite updates them.
    expect(losses[1]).toBeCloseTo(expected[1], 4);
    expect(losses[2]).toBeCloseTo(expected[2], 4);
    expect(losses[2]).toBeLessThan(losses[0]);
  });
});
