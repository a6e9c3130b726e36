// In inference, conv → batch norm (→ ReLU) runs as one fusedConv2d with the norm folded into the filter
// and bias: the same values as the layers one by one, and only where nobody can observe the difference
// (evaluation mode, grad off, no forward hooks).
import * as d from '@dendrite/core';
import { createCpuBackend } from '@dendrite/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivationLayer, BatchNorm, Conv2D, Sequential } from '../../src/index.js';
import { expectClose, expectNoLeak, values } from '../helpers.js';

/**
 * backend-cpu with a fusedConv2d kernel (built from the cpu's own primitives) that counts the calls with
 * a ReLU epilogue: the folded conv → BN → ReLU makes one, a plain Conv2D (no activation) none.
 */
let fusedCalls = 0;
function countingCpu(): d.Backend {
  const inner = createCpuBackend('fold-cpu');
  const fusedConv2d: d.Backend['fusedConv2d'] = (x, f, bias, activation, attrs, out) => {
    if (activation === 'relu') fusedCalls++;
    let y = inner.conv2d(x, f, attrs, out);
    const swap = (next: d.DataId) => {
      inner.disposeData(y);
      y = next;
    };
    if (bias) swap(inner.binary('add', { id: y, ...out }, bias, out));
    if (activation === 'relu') swap(inner.unary('relu', { id: y, ...out }, out));
    else if (activation !== 'linear') throw new Error(`test kernel: ${activation} not implemented`);
    return y;
  };
  return Object.assign(inner, { fusedConv2d });
}

beforeAll(async () => {
  d.registerBackend('fold-cpu', countingCpu, 10);
  await d.setBackend('fold-cpu');
});
afterAll(() => d.removeBackend('fold-cpu'));

async function trainedStack(): Promise<Sequential> {
  const rng = new d.Rng(3);
  const model = new Sequential([
    new Conv2D(3, 4, 3, { padding: 'same', rng }),
    new BatchNorm(4, { rng, gammaInitializer: 'smallRandom', betaInitializer: 'smallRandom' }),
    new ActivationLayer('relu'),
  ]);
  // A few training passes give the norm running statistics that are not its initial ones.
  for (let i = 0; i < 3; i++) d.tidy(() => void model.forward(rng.normal([4, 5, 5, 3])));
  return model.eval();
}

describe('conv → batch norm folding in inference', () => {
  it('gives the values of the layers run one by one, in one fused convolution', async () => {
    await expectNoLeak(async () => {
      // The model holds its folded filter and bias until disposed, so it lives inside the check.
      const model = await trainedStack();
      const x = new d.Rng(9).normal([2, 5, 5, 3]);
      const [conv, bn, act] = model.layers;
      const separate = d.noGrad(() => d.tidy(() => act.forward(bn.forward(conv.forward(x)))));
      fusedCalls = 0;
      const folded = d.noGrad(() => model.forward(x));
      expect(fusedCalls).toBe(1);
      expectClose(await values(folded), await values(separate), 1e-5, 1e-5);
      d.dispose([x, separate, folded]);
      model.dispose();
    });
  });

  it('keeps the fold between calls, follows every replaced weight, and frees it on dispose', async () => {
    await expectNoLeak(async () => {
      const model = await trainedStack();
      const [conv, bn] = model.layers as [Conv2D, BatchNorm];
      const x = new d.Rng(9).normal([2, 5, 5, 3]);
      const run = async () => {
        const y = d.noGrad(() => model.forward(x));
        const out = await values(y);
        y.dispose();
        return out;
      };
      const uncached = async () => {
        const y = d.noGrad(() =>
          d.tidy(() => {
            const s = d.mul(bn.gamma.value, d.rsqrt(d.add(bn.runningVar.value, bn.eps)));
            const shift = d.sub(conv.bias!.value, bn.runningMean.value);
            return d.fusedConv2d(x, d.mul(conv.kernel.value, s), {
              ...conv.convOptions,
              bias: d.add(d.mul(shift, s), bn.beta.value),
              activation: 'relu',
            });
          }),
        );
        const out = await values(y);
        y.dispose();
        return out;
      };
      expect(await run()).toEqual(await uncached());
      const live = d.memory().tensors;
      expect(await run()).toEqual(await uncached()); // bit for bit from the kept fold
      expect(d.memory().tensors).toBe(live);
      const replace = (slot: { value: d.Tensor }) => {
        const next = d.add(slot.value, 0.25);
        slot.value = next;
      };
      for (const slot of [conv.kernel, conv.bias!, bn.gamma, bn.beta, bn.runningMean, bn.runningVar]) {
        const before = await run();
        replace(slot);
        const after = await run();
        expect(after).not.toEqual(before); // a cache that never invalidated fails here
        expect(after).toEqual(await uncached());
      }
      model.train();
      d.tidy(() => void model.forward(x)); // new running statistics
      model.eval();
      expect(await run()).toEqual(await uncached());
      // Another model's weights and statistics, loaded in: the output is that model's.
      const other = await trainedStack();
      for (const slot of [...other.parameters(), ...other.buffers()].filter((b) => b.dtype === 'float32'))
        slot.value = d.mul(slot.value, 1.5);
      const want = d.noGrad(() => other.forward(x));
      const beforeLoad = await run();
      model.loadStateDict(other.stateDict());
      const loaded = await run();
      expect(loaded).not.toEqual(beforeLoad);
      expect(loaded).toEqual(await values(want));
      want.dispose();
      other.dispose();
      x.dispose();
      model.dispose();
    });
  });

  it('is not taken with grad on, in training, or when a layer has a forward hook', async () => {
    const model = await trainedStack();
    const x = new d.Rng(9).normal([1, 5, 5, 3]);
    fusedCalls = 0;
    d.tidy(() => void model.forward(x)); // grad on: every layer's output may be needed
    const hook = model.layers[1].registerForwardHook(() => {});
    d.noGrad(() => d.tidy(() => void model.forward(x)));
    hook.remove();
    model.train();
    d.noGrad(() => d.tidy(() => void model.forward(x)));
    expect(fusedCalls).toBe(0);
    x.dispose();
    model.dispose();
  });
});
