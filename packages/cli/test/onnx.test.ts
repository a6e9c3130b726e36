/**
 * `dendrite onnx export | run | inspect`. Every reference architecture exported with `--sample` is
 * accepted by the `onnx` package's checker (Debian's python3-onnx; reported as skipped when it is not
 * installed) and run by ONNX Runtime to the sample's outputs within 1e-4 + 1e-3·|e|; PyTorch-exported
 * models run by `onnx run` on cpu, wasm and webgpu (the software adapter here) reproduce PyTorch's outputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchitecture } from '@dendrite/architectures';
import { dispose, setSeed, tensor } from '@dendrite/core';
import { saveCheckpoint } from '@dendrite/layers/node';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-onnx-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PYTHON = '/usr/bin/python3';
const hasChecker = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;

function onnxCheck(path: string): void {
  const r = spawnSync(
    PYTHON,
    ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', path],
    {
      encoding: 'utf8',
    },
  );
  expect(r.status, `onnx.checker on ${path}: ${r.stderr}`).toBe(0);
}

type JsonTensors = Record<string, { shape: number[]; data: number[] }>;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 1e-4 + 1e-3 * Math.abs(expected[i]))) {
      expect.fail(`${what}[${i}] = ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

async function runInOrt(model: string, inputs: JsonTensors): Promise<JsonTensors> {
  const session = await ort.InferenceSession.create(model);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) {
      const meta = session.inputMetadata.find((m) => m.name === name);
      const isInt = meta && 'type' in meta && meta.type === 'int32';
      feeds[name] = isInt
        ? new ort.Tensor('int32', Int32Array.from(t.data), t.shape)
        : new ort.Tensor('float32', Float32Array.from(t.data), t.shape);
    }
    const out = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(out).map(([k, v]) => [
        k,
        { shape: v.dims.map(Number), data: Array.from(v.data as Float32Array) },
      ]),
    );
  } finally {
    await session.release();
  }
}

const ARCHITECTURES: [string, string[]][] = [
  ['mlp', ['--input', '20', '--classes', '5']],
  ['lenet5', []],
  ['resnet18', ['--input', '32x32x3', '--classes', '10']],
  ['resnet50', ['--input', '32x32x3', '--classes', '10']],
  ['resnet20', ['--batch', '2']],
  ['resnet32', []],
  ['densenet121', ['--input', '32x32x3', '--classes', '10']],
  ['densenet-40-k12', []],
  ['densenet-bc-40-k12', []],
  ['lstm-classifier', ['--input', '6x5', '--batch', '2']],
  ['lstm-regressor', ['--input', '7x3']],
  ['char-lm', ['--input', '9', '--classes', '12', '--batch', '2']],
  ['autoencoder', ['--input', '30', '--batch', '3']],
  ['mlp-gan', ['--batch', '4']],
  ['dcgan', ['--input', '16x16x3', '--batch', '2']],
];

describe('dendrite onnx export --sample', () => {
  for (const [name, args] of ARCHITECTURES) {
    it(`${name} ${args.join(' ')}`, async () => {
      const model = join(dir, `${name}.onnx`);
      const sample = join(dir, `${name}.json`);
      const r = await cli('onnx', 'export', name, ...args, '--seed', '3', '--out', model, '--sample', sample);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`wrote ${model}`);
      const s = JSON.parse(readFileSync(sample, 'utf8')) as { inputs: JsonTensors; outputs: JsonTensors };
      const got = await runInOrt(model, s.inputs);
      expect(got.output.shape).toEqual(s.outputs.output.shape);
      expectClose(got.output.data, s.outputs.output.data, `${name} in ONNX Runtime`);
      if (hasChecker) onnxCheck(model);
    });
  }
  it.skipIf(!hasChecker)('(the onnx checker ran on every model above: python3-onnx is installed)', () => {
    expect(hasChecker).toBe(true);
  });
  it.skipIf(hasChecker)('(skipped: the onnx checker did not run — apt-get install python3-onnx)', () => {});
});

describe('dendrite onnx run: PyTorch-exported models', () => {
  const fixtures = new URL('../../onnx/fixtures/torch/', import.meta.url);
  for (const backend of ['cpu', 'wasm', 'webgpu']) {
    for (const name of ['mlp', 'cnn_bn', 'concat', 'resnet18_narrow', 'lstm_classifier']) {
      it(`${name} on ${backend}`, async () => {
        const s = JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8')) as {
          inputs: JsonTensors;
          outputs: JsonTensors;
        };
        const inputs = join(dir, `${name}-in.json`);
        const out = join(dir, `${name}-${backend}-out.json`);
        writeFileSync(inputs, JSON.stringify(s.inputs));
        const model = new URL(`${name}.onnx`, fixtures).pathname;
        const r = await cli('onnx', 'run', model, '--inputs', inputs, '--out', out, '--backend', backend);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`on ${backend}`);
        const got = JSON.parse(readFileSync(out, 'utf8')) as JsonTensors;
        expect(got.output.shape).toEqual(s.outputs.output.shape);
        expectClose(got.output.data, s.outputs.output.data, `${name} on ${backend}`);
      });
    }
  }

  it('refuses inputs that do not match, naming them', async () => {
    const inputs = join(dir, 'bad-in.json');
    writeFileSync(inputs, JSON.stringify({ wrong: { shape: [1], data: [0] } }));
    const model = new URL('mlp.onnx', fixtures).pathname;
    const r = await cli('onnx', 'run', model, '--inputs', inputs, '--out', join(dir, 'bad-out.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no 'input'/);
  });
});

describe('dendrite onnx export --checkpoint', () => {
  it('exports the weights of the checkpoint, not the seeded ones', async () => {
    const plain = await cli(
      'onnx',
      'export',
      'mlp',
      '--input',
      '6',
      '--classes',
      '3',
      '--out',
      join(dir, 'p.onnx'),
      '--sample',
      join(dir, 'p.json'),
    );
    expect(plain.code).toBe(0);
    setSeed(42);
    const trained = createArchitecture('mlp', { input: [6], classes: 3 });
    const ckpt = join(dir, 'mlp.safetensors');
    await saveCheckpoint(trained.model, ckpt);
    const r = await cli(
      'onnx',
      'export',
      'mlp',
      '--input',
      '6',
      '--classes',
      '3',
      '--checkpoint',
      ckpt,
      '--out',
      join(dir, 'c.onnx'),
      '--sample',
      join(dir, 'c.json'),
    );
    expect(r.stderr).toBe('');
    const s = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as {
      inputs: JsonTensors;
      outputs: JsonTensors;
    };
    const x = tensor(Float32Array.from(s.inputs.input.data), s.inputs.input.shape);
    const y = trained.model.forward(x);
    expectClose(
      s.outputs.output.data,
      (await y.data()) as Float32Array,
      'sample output vs the checkpoint model',
    );
    const ortOut = await runInOrt(join(dir, 'c.onnx'), s.inputs);
    expectClose(ortOut.output.data, s.outputs.output.data, 'checkpoint model in ONNX Runtime');
    const p = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as { outputs: JsonTensors };
    expect(p.outputs.output.data).not.toEqual(s.outputs.output.data);
    dispose([x, y]);
    trained.model.dispose();
  });
});

describe('dendrite onnx inspect', () => {
  it('prints the opset, inputs, outputs, op counts and parameters', async () => {
    const model = new URL('../../onnx/fixtures/torch/lstm_classifier.onnx', import.meta.url).pathname;
    const r = await cli('onnx', 'inspect', model);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/opset 13/);
    expect(r.stdout).toMatch(/input: float32 \[2, 6, 5\]/);
    expect(r.stdout).toMatch(/ {2}LSTM 1/);
    expect(r.stdout).toContain('every op is supported by Dendrite');
  });

  it('lists the ops Dendrite does not support', async () => {
    const r = await cli('onnx', 'export', 'mlp', '--input', '4', '--out', join(dir, 'small.onnx'));
    expect(r.code).toBe(0);
    // Rename the Gemm to an op Dendrite lacks: the file stays a valid protobuf.
    const bytes = readFileSync(join(dir, 'small.onnx'));
    const patched = Buffer.from(bytes.toString('latin1').replace('Gemm', 'Gelx'), 'latin1');
    writeFileSync(join(dir, 'patched.onnx'), patched);
    const i = await cli('onnx', 'inspect', join(dir, 'patched.onnx'));
    expect(i.stdout).toMatch(/not supported by Dendrite: Gelx/);
  });
});
