/**
 * torchvision's ResNet-18 at full width (random weights), exported by PyTorch at test time into a
 * temporary folder (45 MB: too big to commit; fixtures/torch/resnet18_narrow is the same topology at 1/8
 * width), imported and run on cpu and wasm. Needs Debian's python3-torch and python3-torchvision; without
 * them the test is reported as skipped, with that reason in its name.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerWasmBackend } from '@dendrite/backend-wasm';
import { dispose, noGrad, registerBackend, setBackend, tensor } from '@dendrite/core';
import { createCpuBackend } from '@dendrite/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { expectClose, toDendriteLayout } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;
const script = new URL('../fixtures/torch/generate.py', import.meta.url).pathname;

describe.skipIf(!hasTorch)(
  hasTorch
    ? "torchvision's ResNet-18, exported by PyTorch now"
    : 'ResNet-18 (skipped: no python3-torch / python3-torchvision)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-resnet18-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    beforeAll(() => {
      const r = spawnSync(PYTHON, [script, '--resnet18', dir, '64'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      registerBackend('cpu', () => createCpuBackend('cpu'), 1);
      registerWasmBackend(2, { threads: 1 });
    }, 120_000);

    for (const backend of ['cpu', 'wasm']) {
      it(`reproduces PyTorch's logits on ${backend}`, async () => {
        await setBackend(backend);
        const model = importOnnx(new Uint8Array(readFileSync(join(dir, 'resnet18.onnx'))));
        expect(model.countParameters()).toBeGreaterThan(11_000_000);
        const sample = JSON.parse(readFileSync(join(dir, 'resnet18.json'), 'utf8'));
        const input = sample.inputs.input;
        const x = toDendriteLayout(Float32Array.from(input.data), input.shape);
        const xt = tensor(x.data, x.shape);
        const y = noGrad(() => model.forward(xt));
        expect(y.shape).toEqual(sample.outputs.output.shape);
        expectClose((await y.data()) as Float32Array, sample.outputs.output.data, `resnet18 on ${backend}`);
        dispose([xt, y]);
        model.dispose();
      }, 120_000);
    }
  },
);
