// PyTorch checkpoints that do not fit at first: the errors say what would make them fit (the `prefixes`,
// `{ pytorch: true }`, or that the file is Dendrite's own), and a file whose metadata says `format: pt` is
// mapped without being asked. sequential_mlp.safetensors is PyTorch's nn.Sequential(Linear, ReLU, Linear):
// its tensors are named 0.* and 2.*, Dendrite's Sequential of two Dense layers names them 0.* and 1.*.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as d from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActivationLayer,
  BatchNorm,
  Conv2D,
  Dense,
  Flatten,
  fromPyTorchStateDict,
  MaxPool2D,
  Sequential,
  suggestPrefixes,
} from '../src/index.js';
import { loadCheckpointInto, saveCheckpoint } from '../src/node/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());
const scratch = mkdtempSync(join(tmpdir(), 'dendrite-pytorch-hints-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const folder = new URL('../../../fixtures/safetensors/', import.meta.url);
const mlpFile = fileURLToPath(new URL('sequential_mlp.safetensors', folder));
const mlp = JSON.parse(readFileSync(new URL('sequential_mlp.json', folder), 'utf8'));
const cnnFile = fileURLToPath(new URL('small_cnn.safetensors', folder));
const cnn = JSON.parse(readFileSync(new URL('small_cnn.json', folder), 'utf8'));

const mlpModel = () => new Sequential([new Dense(4, 8, { activation: 'relu' }), new Dense(8, 3)]);
const cnnModel = () =>
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

async function expectOutput(model: Sequential, fixture: any) {
  model.eval();
  using x = d.tensor(fixture.inputs.x.data, fixture.inputs.x.shape);
  using y = d.noGrad(() => model.forward(x));
  expect(y.shape).toEqual(fixture.outputs.y.shape);
  expectClose(await values(y), fixture.outputs.y.data, fixture.tolerance.atol, fixture.tolerance.rtol);
}

describe('a PyTorch nn.Sequential checkpoint', () => {
  it('is read as PyTorch from its format: pt metadata, and the error suggests the prefixes that fit', async () => {
    await expectNoLeak(async () => {
      const model = mlpModel();
      const error = await loadCheckpointInto(model, mlpFile).catch((e) => e);
      expect(error).toBeInstanceOf(d.ArgumentError);
      expect(error.message).toContain('missing [1.weight, 1.bias], unused [2.bias, 2.weight]');
      expect(error.message).toContain("pass { prefixes: { '1': '2' } }");
      expect(error.message).toContain('read as a PyTorch state dict because the metadata says format: pt');
      model.dispose();
    });
  });

  it('loads with the suggested prefixes and reproduces PyTorch’s output', async () => {
    await expectNoLeak(async () => {
      const model = mlpModel();
      await loadCheckpointInto(model, mlpFile, { pytorch: { prefixes: { '1': '2' } } });
      await expectOutput(model, mlp);
      model.dispose();
    });
  });

  it('with { pytorch: false }, says to pass { pytorch: true }', async () => {
    await expectNoLeak(async () => {
      const model = mlpModel();
      const error = await loadCheckpointInto(model, mlpFile, { pytorch: false }).catch((e) => e);
      expect(error.message).toContain('unexpected [0.weight, 2.bias, 2.weight]');
      expect(error.message).toContain('load it with { pytorch: true }');
      model.dispose();
    });
  });

  it('suggests prefixes when a numbering collision gives the wrong shape, not only when names are absent', async () => {
    await expectNoLeak(async () => {
      // PyTorch: Linear(4, 8), ReLU, Linear(8, 8), ReLU, Linear(8, 3): Dendrite's '2' meets PyTorch's '2'.
      const torch = {
        '0.weight': d.zeros([8, 4]),
        '0.bias': d.zeros([8]),
        '2.weight': d.zeros([8, 8]),
        '2.bias': d.zeros([8]),
        '4.weight': d.zeros([3, 8]),
        '4.bias': d.zeros([3]),
      };
      const model = new Sequential([new Dense(4, 8), new Dense(8, 8), new Dense(8, 3)]);
      expect(() => fromPyTorchStateDict(model, torch)).toThrowError(
        "pass { prefixes: { '1': '2', '2': '4' } }",
      );
      const state = fromPyTorchStateDict(model, torch, { prefixes: { 1: '2', 2: '4' } });
      expect(Object.keys(state)).toHaveLength(6);
      d.dispose([torch, state]);
      model.dispose();
    });
  });
});

describe('the other way round', () => {
  it('maps a format: pt file without { pytorch: true }', async () => {
    await expectNoLeak(async () => {
      const model = cnnModel();
      await loadCheckpointInto(model, cnnFile);
      await expectOutput(model, cnn);
      model.dispose();
    });
  });

  it('with { pytorch: false }, says the names read like PyTorch’s and to pass { pytorch: true }', async () => {
    await expectNoLeak(async () => {
      const model = cnnModel();
      const error = await loadCheckpointInto(model, cnnFile, { pytorch: false }).catch((e) => e);
      expect(error).toBeInstanceOf(d.ArgumentError);
      expect(error.message).toContain('missing [conv1.kernel');
      expect(error.message).toContain('read like a PyTorch state_dict()');
      expect(error.message).toContain('load it with { pytorch: true }');
      model.dispose();
    });
  });

  it('says a file Dendrite saved is Dendrite’s own when loaded with { pytorch: true }', async () => {
    await expectNoLeak(async () => {
      const model = mlpModel();
      const file = join(scratch, 'own.safetensors');
      await saveCheckpoint(model, file);
      const error = await loadCheckpointInto(model, file, { pytorch: true }).catch((e) => e);
      expect(error).toBeInstanceOf(d.ArgumentError);
      expect(error.message).toContain('it was saved by Dendrite; load it without { pytorch }');
      await loadCheckpointInto(model, file);
      model.dispose();
    });
  });
});

describe('suggestPrefixes', () => {
  it('finds a common wrapper prefix (DataParallel’s module.) and follows natural order (2 before 10)', () => {
    const needs = [
      { path: 'conv1', sources: [{ name: 'weight', shape: [6, 1, 5, 5] }] },
      { path: 'fc', sources: [{ name: 'weight', shape: [10, 6] }] },
    ];
    const unused = new Map([
      ['module.conv1.weight', [6, 1, 5, 5]],
      ['module.fc.weight', [10, 6]],
    ]);
    expect(suggestPrefixes(needs, unused)).toEqual({ conv1: 'module.conv1', fc: 'module.fc' });
    const layers = [0, 1, 2].map((i) => ({ path: String(i), sources: [{ name: 'weight', shape: [4, 4] }] }));
    const numbered = new Map([
      ['layers.10.weight', [4, 4]],
      ['layers.2.weight', [4, 4]],
      ['layers.0.weight', [4, 4]],
    ]);
    expect(suggestPrefixes(layers, numbered)).toEqual({ 0: 'layers.0', 1: 'layers.2', 2: 'layers.10' });
  });

  it('suggests nothing for a module no unused tensor fits', () => {
    const needs = [{ path: 'head', sources: [{ name: 'weight', shape: [3, 8] }] }];
    expect(suggestPrefixes(needs, new Map([['fc.weight', [8, 3]]]))).toEqual({});
  });
});
