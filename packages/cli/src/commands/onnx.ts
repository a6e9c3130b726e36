/**
 * `dendrite onnx run | export | inspect`: run an ONNX model on a Dendrite backend, export a reference
 * architecture (with a seeded sample of its inputs and outputs) as ONNX, and describe a model file. JSON
 * tensors are `{ "<name>": { "shape": [...], "data": [...] } }` in ONNX's layouts (images NCHW).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createArchitecture } from '@dendrite/architectures';
import {
  ArgumentError,
  currentBackendName,
  dispose,
  noGrad,
  Rng,
  setSeed,
  type Tensor,
  tensor,
} from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import { loadCheckpointInto } from '@dendrite/layers/node';
import {
  DataType,
  exportOnnx,
  importOnnx,
  inspectOnnx,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  type OnnxSummary,
  permuteData,
  permuteShape,
} from '@dendrite/onnx';
import { type Command, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backends.js';
import { parseNonNegativeInt, parsePositiveInt, parseShape } from '../parse.js';

export interface JsonTensor {
  readonly shape: number[];
  readonly data: number[];
}
export type JsonTensors = Record<string, JsonTensor>;

interface Io {
  readonly stdout: (text: string) => void;
}

/** A JSON tensor (ONNX layout) as a Dendrite tensor (images NHWC). */
function fromJson(name: string, t: JsonTensor, dtype: 'float32' | 'int32' | 'bool'): Tensor {
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(t.shape) || !Array.isArray(t.data) || t.data.length !== size) {
    throw new ArgumentError(
      '--inputs',
      `'${name}' needs { shape, data } with prod(shape) = ${size} values, got ${t.data?.length}`,
    );
  }
  const data = Float64Array.from(t.data);
  if (t.shape.length !== 4)
    return tensor(dtype === 'float32' ? Float32Array.from(data) : Array.from(data), t.shape, dtype);
  const nhwc = permuteData(data, t.shape, NCHW_TO_NHWC);
  return tensor(
    dtype === 'float32' ? Float32Array.from(nhwc) : Array.from(nhwc),
    permuteShape(t.shape, NCHW_TO_NHWC),
    dtype,
  );
}

/** A Dendrite tensor as a JSON tensor in ONNX layout. */
async function toJson(t: Tensor): Promise<JsonTensor> {
  const data = Float64Array.from((await t.data()) as ArrayLike<number>);
  if (t.rank !== 4) return { shape: [...t.shape], data: Array.from(data) };
  return {
    shape: permuteShape(t.shape, NHWC_TO_NCHW),
    data: Array.from(permuteData(data, t.shape, NHWC_TO_NCHW)),
  };
}

const dtypeOf = (elemType: number) =>
  elemType === DataType.FLOAT || elemType === DataType.DOUBLE || elemType === DataType.FLOAT16
    ? 'float32'
    : elemType === DataType.BOOL
      ? 'bool'
      : 'int32';

export async function onnxRun(
  model: string,
  inputs: string,
  out: string,
  backend: BackendChoice,
): Promise<JsonTensors> {
  await selectBackend(backend);
  const m = importOnnx(new Uint8Array(await readFile(model)));
  const json = JSON.parse(await readFile(inputs, 'utf8')) as JsonTensors;
  const feeds: Record<string, Tensor> = {};
  try {
    for (const io of m.inputs) {
      if (!json[io.name]) {
        throw new ArgumentError(
          '--inputs',
          `has no '${io.name}'; the model's inputs are ${m.inputs.map((i) => i.name).join(', ')}`,
        );
      }
      feeds[io.name] = fromJson(io.name, json[io.name], dtypeOf(io.elemType));
    }
    const outputs = noGrad(() => m.run(feeds));
    const result: JsonTensors = {};
    for (const [name, t] of Object.entries(outputs)) result[name] = await toJson(t);
    dispose(Object.values(outputs));
    await writeFile(out, JSON.stringify(result));
    return result;
  } finally {
    dispose(Object.values(feeds));
    m.dispose();
  }
}

export interface OnnxExportOptions {
  readonly classes?: number;
  readonly input?: number[];
  readonly seed: number;
  readonly batch: number;
  readonly checkpoint?: string;
  readonly out: string;
  readonly sample?: string;
}

/** Exports an architecture (a GAN: its generator); returns what it wrote. */
export async function onnxExport(
  name: string,
  o: OnnxExportOptions,
): Promise<{ model: Module; note: string }> {
  if (!currentBackendName()) await selectBackend('cpu');
  setSeed(o.seed);
  const arch = createArchitecture(name, { classes: o.classes, input: o.input });
  const isGan = arch.task === 'generation';
  const model = isGan ? (arch.model as Module & { generator: Module }).generator : arch.model;
  try {
    if (o.checkpoint) await loadCheckpointInto(arch.model, o.checkpoint);
    model.eval();
    const inputShape = [o.batch, ...arch.inputShape];
    await writeFile(o.out, await exportOnnx(model, { inputShape, inputDType: arch.inputDType }));
    if (o.sample) {
      const r = new Rng(o.seed);
      const x =
        arch.inputDType === 'int32' ? r.randint(inputShape, 0, o.classes ?? 96) : r.normal(inputShape);
      const y = noGrad(() => model.forward(x));
      const sample = { inputs: { input: await toJson(x) }, outputs: { output: await toJson(y) } };
      dispose([x, y]);
      await writeFile(o.sample, JSON.stringify(sample));
    }
    return { model, note: isGan ? ' (the generator)' : '' };
  } finally {
    arch.model.dispose();
  }
}

const ELEM: Record<number, string> = {
  1: 'float32',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  11: 'float64',
  10: 'float16',
};

export function formatInspect(s: OnnxSummary): string {
  const io = (l: OnnxSummary['inputs']) =>
    l.map((v) => `  ${v.name}: ${ELEM[v.elemType] ?? `type ${v.elemType}`} [${v.shape?.join(', ') ?? '?'}]`);
  const ops = Object.entries(s.ops).sort((a, b) => b[1] - a[1]);
  return [
    `graph ${s.graphName || '(unnamed)'}${s.producer ? ` from ${s.producer}` : ''}, IR ${s.irVersion}, opset ${Object.entries(
      s.opsets,
    )
      .map(([d, v]) => (d === 'ai.onnx' ? `${v}` : `${d} ${v}`))
      .join(', ')}`,
    'inputs:',
    ...io(s.inputs),
    'outputs:',
    ...io(s.outputs),
    `parameters: ${s.parameters.toLocaleString('en-US')} in ${s.initializers} initializers`,
    `ops (${ops.reduce((n, [, c]) => n + c, 0)} nodes):`,
    ...ops.map(([op, c]) => `  ${op} ${c}`),
    s.unsupported.length
      ? `not supported by Dendrite: ${s.unsupported.join(', ')}`
      : 'every op is supported by Dendrite',
  ].join('\n');
}

/** Adds `dendrite onnx …` to the program. */
export function registerOnnxCommands(root: Command, io: Io): void {
  const onnx = root
    .command('onnx')
    .description('ONNX models: run one on a backend, export an architecture, inspect a file');
  onnx
    .command('run')
    .description('run an ONNX model on inputs from a JSON file; write every output to a JSON file')
    .argument('<model>', 'the .onnx file')
    .requiredOption(
      '--inputs <file>',
      'JSON { "<input name>": { "shape": [...], "data": [...] } } (ONNX layouts)',
    )
    .requiredOption('--out <file>', 'where to write the outputs, in the same form')
    .addOption(
      new Option('--backend <name>', 'where to compute').choices([...BACKEND_CHOICES]).default('cpu'),
    )
    .action(async (model: string, o: { inputs: string; out: string; backend: BackendChoice }) => {
      const result = await onnxRun(model, o.inputs, o.out, o.backend);
      const shapes = Object.entries(result).map(([k, v]) => `${k} [${v.shape.join(', ')}]`);
      io.stdout(`ran ${model} on ${currentBackendName()}: ${shapes.join(', ')} -> ${o.out}\n`);
    });
  onnx
    .command('export')
    .description('export an architecture (seeded weights or a checkpoint) as an ONNX model, opset 17')
    .argument('<architecture>', 'e.g. mlp, lenet5, resnet18, resnet20, densenet121, lstm-classifier, dcgan')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .option('--classes <n>', 'number of classes (or outputs)', (v) => parsePositiveInt(v, '--classes'))
    .option(
      '--input <shape>',
      "one example in Dendrite's layout, e.g. 32x32x3 (HxWxC) or 28x28 (steps x features)",
      (v) => parseShape(v),
    )
    .option(
      '--seed <n>',
      'seed of the weights and of the sample input',
      (v) => parseNonNegativeInt(v, '--seed'),
      1,
    )
    .option(
      '--batch <n>',
      'batch size of the sample (the exported batch axis is symbolic)',
      (v) => parsePositiveInt(v, '--batch'),
      1,
    )
    .option('--checkpoint <file>', 'load weights from a safetensors checkpoint (as `dendrite train` writes)')
    .option(
      '--sample <file>',
      'also write { "inputs": {...}, "outputs": {...} }: a seeded input and its output',
    )
    .action(async (architecture: string, o: OnnxExportOptions) => {
      const { note } = await onnxExport(architecture, o);
      io.stdout(`wrote ${o.out}: ${architecture}${note}${o.sample ? `, sample ${o.sample}` : ''}\n`);
    });
  onnx
    .command('inspect')
    .description('opset, inputs and outputs, op counts, parameters, and the ops Dendrite does not support')
    .argument('<model>', 'the .onnx file')
    .option('--json', 'print the summary as JSON')
    .action(async (model: string, o: { json?: boolean }) => {
      const s = inspectOnnx(new Uint8Array(await readFile(model)));
      io.stdout(`${o.json ? JSON.stringify(s, null, 2) : formatInspect(s)}\n`);
    });
}
