import { join } from 'node:path';
import { createArchitecture } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { type Batch, DataLoader, type Transform } from '@dendrite/data';
import { crossEntropy, type Module, meanSquaredError } from '@dendrite/layers';
import { saveCheckpoint, trainingStateFolder } from '@dendrite/layers/node';
import { Adam, accuracy, type History, train } from '@dendrite/optim';
import { type BackendChoice, describeBackend, pickBackend } from '../backends.js';
import { loadData, type PreparedData } from '../datasets.js';
import { fitInputToModel, modelInput } from '../fit-input.js';
import { epochRecords, writeHistoryFile } from '../history.js';
import { ensureWritableDir } from '../paths.js';
import { EpochProgress, formatDuration, formatLogs, type Output } from '../progress.js';
import type { LabelledImage } from '../report/report.js';
import { writeTrainingReport } from '../report/report.js';
import { STATE_FOLDER } from './resume.js';
import { trainGanCommand } from './train-gan.js';

export { modelInput };

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
  /** Write `report/` (default true). */
  readonly report?: boolean;
  /** Also save the full training state every this many steps (it is saved at each epoch's end). */
  readonly checkpointEvery?: number;
  /** Continue the run whose state `out/state/` holds (see resume.ts). */
  readonly resume?: boolean;
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
  /** The report's index.html, when written. */
  readonly report?: string;
  /** Metadata stored in the checkpoint: model, data, input shape, classes… */
  readonly metadata: Readonly<Record<string, string>>;
}

type XY = Batch<'x' | 'y'>;

/** Architectures without a classifier (they refuse a class count). */
const TAKE_NO_CLASSES = ['autoencoder', 'mlp-gan', 'dcgan'];

/** Test images for the report (the first few get activation maps; all are projected for autoencoders). */
const REPORT_IMAGES = 400;

interface Evaluation extends TestMetrics {
  /** Rows: true class, columns: predicted (classification). */
  readonly confusion?: number[][];
}

async function evaluate(
  model: Module,
  loader: DataLoader<'x' | 'y'>,
  lossOf: (b: XY) => { loss: d.Tensor; output: d.Tensor },
  classes: number | undefined,
): Promise<Evaluation> {
  let loss = 0;
  let count = 0;
  const confusion = classes
    ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
    : undefined;
  model.eval();
  for await (const b of loader) {
    const n = b.x.shape[0];
    const [l, predicted] = d.tidy(() =>
      d.noGrad(() => {
        const r = lossOf(b);
        return [r.loss, confusion ? d.argmax(r.output, -1) : d.scalar(0)];
      }),
    );
    loss += (await l.item()) * n;
    if (confusion) {
      const p = await predicted.data();
      const y = await b.y.data();
      for (let i = 0; i < n; i++) confusion[y[i]][p[i]]++;
    }
    count += n;
    d.dispose([l, predicted]);
  }
  if (!confusion) return { loss: loss / count };
  const right = confusion.reduce((s, row, i) => s + row[i], 0);
  return { loss: loss / count, accuracy: right / count, confusion };
}

/** The first `n` test images, transformed as the model sees them. */
async function testImages(data: PreparedData, transforms: Transform[], n: number): Promise<LabelledImage[]> {
  const out: LabelledImage[] = [];
  const rng = new d.Rng(0);
  for (let i = 0; i < Math.min(n, data.test.length); i++) {
    let s = await data.test.get(i);
    for (const t of transforms) s = t(s, rng) as typeof s;
    const { x, y } = s;
    if (x.shape.length !== 3) return [];
    out.push({
      image: { data: x.data as Float32Array, shape: [x.shape[0], x.shape[1], x.shape[2]] },
      label: y.data[0],
    });
  }
  return out;
}

export async function trainCommand(options: TrainCommandOptions, out: Output): Promise<TrainResult> {
  const started = performance.now();
  // Checked first: a run that cannot write its results should not start.
  const dir = ensureWritableDir('--out', options.out);
  const pick = await pickBackend(options.backend);
  const backend = pick.name;
  const data = await loadData(options.data, { seed: options.seed, limit: options.limit });
  if (options.model === 'mlp-gan' || options.model === 'dcgan') {
    return trainGanCommand(options, out, { dir, pick, data, started });
  }
  const classes = TAKE_NO_CLASSES.includes(options.model) ? undefined : data.classes;
  const fit = fitInputToModel(options.model, data.exampleShape, classes);
  const transforms = fit.transform ? [...data.transforms, fit.transform] : data.transforms;
  // Initialisation and dropout draw from it: saved with the training state.
  const archRng = new d.Rng(options.seed);
  const arch = createArchitecture(options.model, {
    classes,
    input: modelInput(options.model, fit.shape),
    rng: archRng,
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
    `${options.model} (${params.toLocaleString('en-US')} parameters) on ${data.name}: ${data.train.length} train / ${data.validation.length} validation / ${data.test.length} test examples of [${data.exampleShape.join(', ')}]${classification ? `, ${data.classes} classes` : ''}; ${describeBackend(pick)}`,
  );
  if (fit.note) out.log(fit.note);
  const loader = (set: typeof data.train, shuffle: boolean, batchSize: number) =>
    new DataLoader(set, { batchSize, shuffle, seed: options.seed, transforms });
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
  const progress = new EpochProgress(out, { batchSize: options.batch, samplesPerEpoch: data.train.length });
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
      checkpoint: {
        store: trainingStateFolder(join(dir, STATE_FOLDER)),
        every: options.checkpointEvery,
        model,
        rngs: { model: archRng },
        info: { cli: { ...options, resume: undefined } },
      },
      resume: options.resume ?? false,
    });
    progress.stop();
    const evaluation = await evaluate(
      model,
      loader(data.test, false, 256),
      lossOf,
      classification ? data.classes : undefined,
    );
    const test: TestMetrics = classification
      ? { loss: evaluation.loss, accuracy: evaluation.accuracy }
      : { loss: evaluation.loss };
    const trainedSeconds = (performance.now() - started) / 1000;
    out.log(
      `test: ${formatLogs({ ...test })} (${data.test.length} examples); ${formatDuration(trainedSeconds)} in all`,
    );
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
    if (fit.transform) metadata.dataShape = JSON.stringify(data.exampleShape);
    if (data.classNames) metadata.classNames = JSON.stringify(data.classNames);
    await saveCheckpoint(model, checkpoint, { metadata });
    out.log(`checkpoint: ${checkpoint}`);
    const records = epochRecords(history);
    let report: string | undefined;
    if (options.report !== false) {
      const images = await testImages(data, transforms, REPORT_IMAGES);
      const classNames = data.classNames
        ? [...data.classNames]
        : Array.from({ length: data.classes }, (_, i) => String(i));
      const written = await writeTrainingReport(dir, {
        title: `${options.model} on ${data.name}`,
        facts: [
          [
            'model',
            `${options.model}, ${params.toLocaleString('en-US')} parameters, input [${arch.inputShape.join(', ')}]`,
          ],
          [
            'data',
            `${data.name}: ${data.train.length} train / ${data.validation.length} validation / ${data.test.length} test`,
          ],
          ...(fit.note ? [['images', fit.note] as [string, string]] : []),
          [
            'training',
            `${options.epochs} epochs, batch ${options.batch}, Adam lr ${options.lr}, seed ${options.seed}`,
          ],
          ['backend', describeBackend(pick)],
          ['test', `${formatLogs({ ...test })} (${data.test.length} examples)`],
          ['time', formatDuration(trainedSeconds)],
        ],
        model,
        task: classification ? 'classification' : 'reconstruction',
        inputShape: arch.inputShape,
        epochs: records,
        classNames,
        confusion: evaluation.confusion,
        testImages: images,
      });
      report = written.index;
    }
    await writeHistoryFile(dir, {
      options,
      input: arch.inputShape,
      dataShape: data.exampleShape,
      adapted: fit.note,
      classes: classes !== undefined ? { count: data.classes, names: data.classNames } : undefined,
      backend,
      parameters: params,
      seconds: trainedSeconds,
      test: { ...test, examples: data.test.length },
      history: {
        epochs: records,
        steps: history.steps,
        nonFiniteSteps: history.nonFiniteSteps,
        stoppedEarly: history.stoppedEarly,
      },
      checkpoint,
      report,
    });
    if (report) out.log(`report: ${report}`);
    return { backend, history, test, checkpoint, report, metadata };
  } finally {
    progress.stop();
    optimizer.dispose();
    model.dispose();
  }
}
