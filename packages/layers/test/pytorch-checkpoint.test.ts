// A checkpoint exported from PyTorch (fixtures/safetensors, written by the real safetensors library)
// loads through the name and layout mapping into the model it describes and reproduces PyTorch's output.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivationLayer,
  BatchNorm,
  Conv2D,
  Dense,
  decodeSafetensors,
  Flatten,
  fromPyTorchStateDict,
  MaxPool2D,
  Sequential,
} from '../src/index.js';
import { loadCheckpointInto } from '../src/node/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

const folder = new URL('../../../fixtures/safetensors/', import.meta.url);
const file = fileURLToPath(new URL('small_cnn.safetensors', folder));
const fixture = JSON.parse(readFileSync(new URL('small_cnn.json', folder), 'utf8')) as {
  inputs: { x: { shape: number[]; data: number[] } };
  outputs: { y: { shape: number[]; data: number[] } };
  tolerance: { rtol: number; atol: number };
};

/** The model of small_cnn.json, its children named as PyTorch's modules. */
const smallCnn = () =>
  new Sequential({
    conv1: new Conv2D(1, 6, 5, {
      padding: [
        [2, 2],
        [2, 2],
      ],
    }),
    bn1: new BatchNorm(6),
    relu1: new ActivationLayer('relu'),
    pool1: new MaxPool2D(2),
    conv2: new Conv2D(6, 16, 5),
    relu2: new ActivationLayer('relu'),
    pool2: new MaxPool2D(2),
    flatten: new Flatten(),
    fc1: new Dense(400, 32, { activation: 'relu' }),
    fc2: new Dense(32, 10),
  });

describe('a PyTorch-exported checkpoint', () => {
  it('loads into small_cnn and reproduces PyTorch’s eval-mode output within the fixture’s tolerance', async () => {
    await expectNoLeak(async () => {
      const model = smallCnn();
      await loadCheckpointInto(model, file, { pytorch: true });
      expect(
        await model
          .namedBuffers()
          .find(([n]) => n === 'bn1.numBatchesTracked')![1]
          .value.item(),
      ).toBeGreaterThanOrEqual(0);
      model.eval();
      using x = d.tensor(fixture.inputs.x.data, fixture.inputs.x.shape);
      using y = d.noGrad(() => model.forward(x));
      expect(y.shape).toEqual(fixture.outputs.y.shape);
      expectClose(await values(y), fixture.outputs.y.data, fixture.tolerance.atol, fixture.tolerance.rtol);
      model.dispose();
    });
  });

  it('maps layouts: OIHW -> HWIO, [out, in] -> [in, out], BN statistics, int64 num_batches_tracked', async () => {
    await expectNoLeak(async () => {
      const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(file)));
      expect(tensors['bn1.num_batches_tracked'].dtype).toBe('int32');
      const model = smallCnn();
      const state = fromPyTorchStateDict(model, tensors);
      expect(state['conv1.kernel'].shape).toEqual([5, 5, 1, 6]);
      expect(state['fc1.kernel'].shape).toEqual([400, 32]);
      expect(state['bn1.runningVar'].shape).toEqual([6]);
      // conv2.weight[o=3, i=2, kh=1, kw=4] lands at kernel[1, 4, 2, 3].
      const torchW = await values(tensors['conv2.weight']);
      const ours = await values(state['conv2.kernel']);
      expect(ours[((1 * 5 + 4) * 6 + 2) * 16 + 3]).toBe(torchW[((3 * 6 + 2) * 5 + 1) * 5 + 4]);
      d.dispose([tensors, state]);
      model.dispose();
    });
  });

  it('refuses a model that does not match, with typed errors naming both sides', async () => {
    await expectNoLeak(async () => {
      const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(file)));
      const wrong = new Sequential({ conv1: new Conv2D(1, 8, 5), fc2: new Dense(32, 10) });
      expect(() => fromPyTorchStateDict(wrong, tensors)).toThrowError(
        "fromPyTorchStateDict: PyTorch tensor 'conv1.weight' has shape [6, 1, 5, 5]; 'conv1.kernel' [5, 5, 1, 8] needs [8, 1, 5, 5]",
      );
      const partial = new Sequential({ fc2: new Dense(32, 10) });
      expect(() => fromPyTorchStateDict(partial, tensors)).toThrowError(
        /unused \[bn1.num_batches_tracked, bn1.bias/,
      );
      const renamed = new Sequential({ head: new Dense(32, 10) });
      const state = fromPyTorchStateDict(renamed, tensors, { prefixes: { head: 'fc2' }, strict: false });
      expect(Object.keys(state)).toEqual(['head.kernel', 'head.bias']);
      const missing = new Sequential({ fc3: new Dense(32, 10) });
      expect(() => fromPyTorchStateDict(missing, tensors, { strict: false })).toThrowError(
        /missing \[fc3.weight, fc3.bias\]/,
      );
      d.dispose([tensors, state]);
      wrong.dispose();
      partial.dispose();
      renamed.dispose();
      missing.dispose();
    });
  });
});
