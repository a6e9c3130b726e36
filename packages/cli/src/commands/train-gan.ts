/**
 * `dendrite train` for the GANs (`mlp-gan`, `dcgan`): `ganStep` rounds (one discriminator update on a
 * real and a generated batch, one generator update) by Adam with β1 = 0.5 (Radford et al. 2016), images
 * scaled to [−1, 1]. After every epoch the generator draws the same 16 latent points, so the report's
 * grid shows one row of samples per epoch; the loss curves are the discriminator's and the generator's.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createArchitecture,
  discriminatorLoss,
  type Gan,
  ganStep,
  generatorLoss,
} from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { type Batch, DataLoader, type Transform } from '@dendrite/data';
import { saveCheckpoint } from '@dendrite/layers/node';
import { Adam, type History } from '@dendrite/optim';
import { type BackendPick, describeBackend } from '../backends.js';
import type { PreparedData } from '../datasets.js';
import { fitInputToModel } from '../fit-input.js';
import { writeHistoryFile } from '../history.js';
import { EpochProgress, formatDuration, formatLogs, type Output } from '../progress.js';
import { type ReportSection, reportHtml } from '../report/html.js';
import type { Tile, TileRow } from '../report/image-grid.js';
import { imageGrid } from '../report/image-grid.js';
import { lineChart } from '../report/line-chart.js';
import { writeFigure } from '../report/render.js';
import type { EpochRecord } from '../report/report.js';
import type { TestMetrics, TrainCommandOptions, TrainResult } from './train.js';

type XY = Batch<'x' | 'y'>;

const SAMPLES = 16;

/** `[0, 1]` pixels to the generator's `[−1, 1]` (DCGAN's tanh; the MLP GAN learns the same range). */
const toSigned: Transform = (s) => ({
  ...s,
  x: { data: (s.x.data as Float32Array).map((v) => 2 * v - 1), shape: s.x.shape },
});

export async function trainGanCommand(
  options: TrainCommandOptions,
  out: Output,
  context: {
    readonly dir: string;
    readonly pick: BackendPick;
    readonly data: PreparedData;
    readonly started: number;
  },
): Promise<TrainResult> {
  const { dir, pick, data, started } = context;
  const backend = pick.name;
  const example = data.exampleShape;
  const flat = [example.reduce((a, b) => a * b, 1)];
  // The MLP GAN reads examples as flat vectors; DCGAN needs square images of a power-of-two side.
  const fit = options.model === 'mlp-gan' ? { shape: flat } : fitInputToModel(options.model, example);
  const imageShape = fit.shape.length === 3 ? fit.shape : example.length === 3 ? example : undefined;
  const transforms = [
    ...data.transforms,
    ...('transform' in fit && fit.transform ? [fit.transform] : []),
    toSigned,
  ];
  const arch = createArchitecture(options.model, { input: fit.shape, rng: new d.Rng(options.seed) });
  const gan = arch.model as Gan;
  const params = gan.countParameters();
  out.log(
    `${options.model} (${params.toLocaleString('en-US')} parameters) on ${data.name}: ${data.train.length} train / ${data.test.length} test examples of [${example.join(', ')}]; ${describeBackend(pick)}`,
  );
  if ('note' in fit && fit.note) out.log(fit.note);
  const dOpt = new Adam(gan.discriminator.trainableParameters(), { lr: options.lr, beta1: 0.5 });
  const gOpt = new Adam(gan.generator.trainableParameters(), { lr: options.lr, beta1: 0.5 });
  const rng = new d.Rng(options.seed + 1);
  const fixedLatent = d.keep(new d.Rng(options.seed + 2).normal([SAMPLES, ...gan.latentShape]));
  const progress = new EpochProgress(out, { batchSize: options.batch, samplesPerEpoch: data.train.length });
  const records: EpochRecord[] = [];
  const samplesPerEpoch: Float32Array[] = [];
  const fitShape = (x: d.Tensor) =>
    d.shapesEqual(x.shape.slice(1), fit.shape) ? x : d.reshape(x, [-1, ...fit.shape]);
  let steps = 0;
  // Rounds whose losses were NaN or infinite (ganStep updates regardless; the history says how often).
  let nonFiniteSteps = 0;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const loader = new DataLoader(data.train, {
        batchSize: options.batch,
        shuffle: true,
        seed: options.seed + epoch,
        transforms,
      });
      let dSum = 0;
      let gSum = 0;
      let n = 0;
      gan.train();
      for await (const b of loader as AsyncIterable<XY>) {
        const real = fitShape(b.x);
        const r = await ganStep(gan, { real, discriminatorOptimizer: dOpt, generatorOptimizer: gOpt, rng });
        if (real !== b.x) real.dispose();
        n++;
        steps++;
        if (!Number.isFinite(r.discriminatorLoss) || !Number.isFinite(r.generatorLoss)) nonFiniteSteps++;
        dSum += r.discriminatorLoss;
        gSum += r.generatorLoss;
        progress.onProgress({
          type: 'step',
          epoch,
          epochs: options.epochs,
          step: n,
          stepsPerEpoch: loader.length,
          loss: r.generatorLoss,
          metrics: {},
          lr: options.lr,
        });
      }
      const logs = { d_loss: dSum / n, g_loss: gSum / n };
      records.push({ epoch: epoch + 1, ...logs });
      progress.onProgress({
        type: 'epochEnd',
        epoch,
        epochs: options.epochs,
        step: n,
        stepsPerEpoch: n,
        loss: logs.g_loss,
        metrics: logs,
        lr: options.lr,
      });
      gan.eval();
      const samples = d.tidy(() => d.noGrad(() => gan.generator.forward(fixedLatent)));
      samplesPerEpoch.push((await samples.data()) as Float32Array);
      samples.dispose();
    }
    progress.stop();
    // Test: the discriminator's loss on the test images against as many generated ones, and the generator's.
    gan.eval();
    let dTest = 0;
    let gTest = 0;
    let count = 0;
    for await (const b of new DataLoader(data.test, { batchSize: 256, transforms }) as AsyncIterable<XY>) {
      const [dl, gl] = d.tidy(() =>
        d.noGrad(() => {
          const real = fitShape(b.x);
          const fake = gan.generator.forward(gan.sampleLatent(real.shape[0], rng));
          const fakeLogits = gan.discriminator.forward(fake);
          return [discriminatorLoss(gan.discriminator.forward(real), fakeLogits), generatorLoss(fakeLogits)];
        }),
      );
      const k = b.x.shape[0];
      dTest += (await dl.item()) * k;
      gTest += (await gl.item()) * k;
      count += k;
      d.dispose([dl, gl]);
    }
    const test: TestMetrics & { d_loss: number; g_loss: number } = {
      loss: gTest / count,
      d_loss: dTest / count,
      g_loss: gTest / count,
    };
    const seconds = (performance.now() - started) / 1000;
    out.log(
      `test: d_loss ${test.d_loss.toFixed(4)}, g_loss ${test.g_loss.toFixed(4)} (${data.test.length} real images against as many generated); ${formatDuration(seconds)} in all`,
    );
    const checkpoint = join(dir, 'model.safetensors');
    const metadata: Record<string, string> = {
      model: options.model,
      data: options.data,
      input: JSON.stringify(fit.shape),
      epochs: String(options.epochs),
      seed: String(options.seed),
      backend,
      test: JSON.stringify(test),
    };
    await saveCheckpoint(gan, checkpoint, { metadata });
    out.log(`checkpoint: ${checkpoint}`);
    let report: string | undefined;
    if (options.report !== false) {
      const reportDir = join(dir, 'report');
      await import('node:fs/promises').then((fs) => fs.mkdir(reportDir, { recursive: true }));
      const sections: ReportSection[] = [];
      const add = async (name: string, title: string, caption: string, svg: string) => {
        sections.push({ title, caption, ...(await writeFigure(reportDir, name, svg)) });
      };
      await add(
        'loss',
        'Losses',
        'Mean discriminator loss (real vs generated) and generator loss (non-saturating) of each epoch; neither should run away to 0.',
        lineChart({
          title: 'GAN losses',
          xLabel: 'epoch',
          yLabel: 'loss',
          series: [
            { name: 'discriminator', points: records.map((e) => [e.epoch, e.d_loss]) },
            { name: 'generator', points: records.map((e) => [e.epoch, e.g_loss]) },
          ],
        }),
      );
      if (imageShape) {
        const [h, w, c] = imageShape;
        const size = h * w * c;
        const tile = (values: Float32Array, i: number): Tile => ({
          data: values.subarray(i * size, (i + 1) * size),
          height: h,
          width: w,
          channels: c,
          mode: c >= 3 ? 'rgb' : 'grey',
          range: [-1, 1],
        });
        // At most 12 rows: every epoch when there are few, else evenly spaced ones and the last.
        const every = Math.max(1, Math.ceil(samplesPerEpoch.length / 12));
        const rows: TileRow[] = samplesPerEpoch
          .map((values, e) => ({ e, values }))
          .filter(({ e }) => e % every === every - 1 || e === samplesPerEpoch.length - 1)
          .map(({ e, values }) => ({
            label: `epoch ${e + 1}`,
            tiles: Array.from({ length: SAMPLES }, (_, i) => tile(values, i)),
          }));
        await add(
          'samples',
          'Samples per epoch',
          `The generator's images for the same ${SAMPLES} latent points after each epoch (top: first).`,
          imageGrid({
            title: `${options.model}: samples after each epoch`,
            subtitle: 'the same latent points in every row',
            rows,
            tileSize: 40,
            labelWidth: 80,
          }),
        );
      }
      report = join(reportDir, 'index.html');
      await writeFile(
        report,
        reportHtml(
          `${options.model} on ${data.name}`,
          [
            ['model', `${options.model}, ${params.toLocaleString('en-US')} parameters`],
            ['data', `${data.name}: ${data.train.length} train / ${data.test.length} test`],
            [
              'training',
              `${options.epochs} epochs, batch ${options.batch}, Adam lr ${options.lr} β1 0.5, seed ${options.seed}`,
            ],
            ['backend', describeBackend(pick)],
            ['test', formatLogs({ d_loss: test.d_loss, g_loss: test.g_loss })],
            ['time', formatDuration(seconds)],
          ],
          sections,
        ),
      );
    }
    const history: History = {
      epochs: records.map((r) => ({ ...r, epoch: r.epoch - 1, lr: options.lr })) as History['epochs'],
      steps,
      nonFiniteSteps,
      stoppedEarly: false,
      restoredBest: false,
    };
    await writeHistoryFile(dir, {
      options,
      input: fit.shape,
      dataShape: example,
      adapted: 'note' in fit ? fit.note : undefined,
      backend,
      parameters: params,
      seconds,
      test: { loss: test.loss, examples: data.test.length },
      history: { epochs: records, steps, nonFiniteSteps, stoppedEarly: false },
      checkpoint,
      report,
    });
    if (report) out.log(`report: ${report}`);
    return { backend, history, test, checkpoint, report, metadata };
  } finally {
    progress.stop();
    fixedLatent.dispose();
    dOpt.dispose();
    gOpt.dispose();
    gan.dispose();
  }
}
