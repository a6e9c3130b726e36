/**
 * `dendrite train`: builds an architecture for a data set, trains it with Adam and the training loop of
 * @dendrite/optim (progress, per-epoch validation), reports test metrics, and writes a safetensors
 * checkpoint (with what is needed to rebuild the model in its metadata) and the history to `--out`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createArchitecture } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { type Batch, DataLoader } from '@dendrite/data';
import { crossEntropy, type Module, meanSquaredError } from '@dendrite/layers';
import { saveCheckpoint } from '@dendrite/layers/node';
import { Adam, accuracy, type History, train } from '@dendrite/optim';
import { type BackendChoice, selectBackend } from '../backends.js';
import { loadData } from '../datasets.js';
import { EpochProgress, formatLogs, type Output } from '../progress.js';

export interface TrainCommandOptions {
  readonly model: string;
  readonly data: string;
  readonly backend: BackendChoice;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly out: string;
  /** Use at most this many training examples. */
  readonly limit?: number;
}

export interface TestMetrics {
  readonly loss: number;
  /** Classification only. */
  readonly accuracy?: number;
}

export interface TrainResult {
  readonly backend: string;
  readonly history: History;
  readonly test: TestMetrics;
  /** The safetensors file written. */
  readonly checkpoint: string;
  /** Metadata stored in the checkpoint: model, data, input shape, classes… */
  readonly metadata: Readonly<Record<string, string>>;
}

type XY = Batch<'x' | 'y'>;

/** Architectures without a classifier (they refuse a class count). */
const TAKE_NO_CLASSES = ['autoencoder', 'mlp-gan', 'dcgan'];

/**
 * The input an architecture gets for examples of `shape`: images and features as they are (an MLP or
 * an autoencoder flattens them); a sequence model reads an image row by row, features one at a time.
 */
export function modelInput(model: string, shape: readonly number[]): number[] {
  if (model.startsWith('lstm')) {
    if (shape.length === 3) return [shape[0], shape[1] * shape[2]];
    if (shape.length === 1) return [shape[0], 1];
  }
  return [...shape];
}

async function evaluate(
  model: Module,
  loader: DataLoader<'x' | 'y'>,
  lossOf: (b: XY) => { loss: d.Tensor; output: d.Tensor },
  classification: boolean,
): Promise<TestMetrics> {
  let loss = 0;
  let right = 0;
  let count = 0;
  model.eval();
  for await (const b of loader) {
    const n = b.x.shape[0];
    const [l, hits] = d.tidy(() =>
      d.noGrad(() => {
        const r = lossOf(b);
        const h = classification
          ? d.sum(d.castTo(d.equal(d.argmax(r.output, -1), d.castTo(b.y, 'int32')), 'float32'))
          : d.scalar(0);
        return [r.loss, h];
      }),
    );
    loss += (await l.item()) * n;
    right += await hits.item();
    count += n;
    d.dispose([l, hits]);
  }
  return classification ? { loss: loss / count, accuracy: right / count } : { loss: loss / count };
}

export async function trainCommand(options: TrainCommandOptions, out: Output): Promise<TrainResult> {
  const backend = await selectBackend(options.backend);
  const data = await loadData(options.data, { seed: options.seed, limit: options.limit });
  const input = modelInput(options.model, data.exampleShape);
  const arch = createArchitecture(options.model, {
    classes: TAKE_NO_CLASSES.includes(options.model) ? undefined : data.classes,
    input,
    rng: new d.Rng(options.seed),
  });
  const { model } = arch;
  const classification = arch.task === 'classification';
  if (!classification && arch.task !== 'reconstruction') {
    model.dispose();
    throw new d.ArgumentError(
      'train',
      `'${options.model}' is a ${arch.task} model; train handles classifiers and autoencoders (see examples/ for the others)`,
    );
  }
  const params = model.countParameters();
  out.log(
    `${options.model} (${params.toLocaleString('en-US')} parameters) on ${data.name}: ${data.train.length} train / ${data.validation.length} validation / ${data.test.length} test examples of [${data.exampleShape.join(', ')}]${classification ? `, ${data.classes} classes` : ''}; backend ${backend}`,
  );
  const loader = (set: typeof data.train, shuffle: boolean, batchSize: number) =>
    new DataLoader(set, { batchSize, shuffle, seed: options.seed, transforms: data.transforms });
  const reshaped = (x: d.Tensor) =>
    d.shapesEqual(x.shape.slice(1), arch.inputShape) ? x : d.reshape(x, [-1, ...arch.inputShape]);
  const lossOf = (b: XY) => {
    const x = reshaped(b.x);
    const output = model.forward(x);
    const target = classification ? b.y : d.reshape(x, output.shape);
    return {
      loss: classification ? crossEntropy(output, target) : meanSquaredError(output, target),
      output,
    };
  };
  const optimizer = new Adam(model.trainableParameters(), { lr: options.lr });
  const progress = new EpochProgress(out);
  try {
    const history = await train({
      optimizer,
      // The loop validates without a graph: that is when the model should be in evaluation mode.
      loss: (b: XY) => {
        model.train(d.isGradEnabled());
        return lossOf(b);
      },
      data: loader(data.train, true, options.batch),
      validation: { data: loader(data.validation, false, 256) },
      epochs: options.epochs,
      metrics: classification ? { accuracy: accuracy((b: XY) => b.y) } : {},
      seed: options.seed,
      onProgress: progress.onProgress,
    });
    progress.stop();
    const test = await evaluate(model, loader(data.test, false, 256), lossOf, classification);
    out.log(`test: ${formatLogs({ ...test })} (${data.test.length} examples)`);
    const dir = resolve(options.out);
    await mkdir(dir, { recursive: true });
    const checkpoint = join(dir, 'model.safetensors');
    const metadata: Record<string, string> = {
      model: options.model,
      data: options.data,
      input: JSON.stringify(arch.inputShape),
      classes: String(data.classes),
      epochs: String(options.epochs),
      seed: String(options.seed),
      backend,
      test: JSON.stringify(test),
    };
    await saveCheckpoint(model, checkpoint, { metadata });
    await writeFile(
      join(dir, 'history.json'),
      `${JSON.stringify({ ...metadata, input: arch.inputShape, test, history }, null, 2)}\n`,
    );
    out.log(`checkpoint: ${checkpoint}`);
    return { backend, history, test, checkpoint, metadata };
  } finally {
    progress.stop();
    optimizer.dispose();
    model.dispose();
  }
}
