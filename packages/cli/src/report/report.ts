/**
 * `train --out DIR` writes `DIR/report/`: `index.html` and, as SVG and PNG, the loss and accuracy
 * curves (training and validation), the confusion matrix of the test set, the first layer's filters,
 * and the activation maps of a few test images through every convolution; for an autoencoder its
 * reconstructions and a 2-D projection (PCA) of its codes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Module } from '@dendrite/layers';
import {
  activationMaps,
  firstLayerFilters,
  type HostImage,
  imageTile,
  project2d,
  runBatch,
} from './collect.js';
import { confusionMatrixChart } from './heatmap.js';
import { type ReportSection, reportHtml } from './html.js';
import { imageGrid } from './image-grid.js';
import { lineChart } from './line-chart.js';
import { writeFigure } from './render.js';
import { scatterChart } from './scatter.js';

/** One epoch's logs, counted from 1. */
export interface EpochRecord {
  readonly epoch: number;
  readonly [metric: string]: number;
}

export interface LabelledImage {
  readonly image: HostImage;
  readonly label: number;
}

export interface TrainingReportInput {
  readonly title: string;
  readonly facts: readonly [string, string][];
  readonly model: Module;
  readonly task: 'classification' | 'reconstruction';
  /** One example as `forward` takes it (an autoencoder's is flat). */
  readonly inputShape: readonly number[];
  readonly epochs: readonly EpochRecord[];
  readonly classNames: readonly string[];
  /** Rows: true class, columns: predicted (classification). */
  readonly confusion?: readonly (readonly number[])[];
  /** Test images with their labels (the first few get activation maps). Images only. */
  readonly testImages: readonly LabelledImage[];
}

export interface ReportResult {
  readonly dir: string;
  readonly index: string;
  readonly figures: string[];
}

const ACTIVATION_IMAGES = 3;

function curve(epochs: readonly EpochRecord[], key: string): [number, number][] {
  return epochs.filter((e) => Number.isFinite(e[key])).map((e) => [e.epoch, e[key]] as [number, number]);
}

export async function writeTrainingReport(outDir: string, input: TrainingReportInput): Promise<ReportResult> {
  const dir = join(outDir, 'report');
  await mkdir(dir, { recursive: true });
  const sections: ReportSection[] = [];
  const add = async (name: string, title: string, caption: string, svg: string) => {
    const files = await writeFigure(dir, name, svg);
    sections.push({ title, caption, ...files });
  };
  const { epochs } = input;

  await add(
    'loss',
    'Loss',
    'Mean training loss of each epoch (solid) and the validation loss after it (dashed).',
    lineChart({
      title: input.task === 'classification' ? 'Cross-entropy loss' : 'Reconstruction error (MSE)',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { name: 'training', points: curve(epochs, 'loss') },
        { name: 'validation', points: curve(epochs, 'val_loss'), dashed: true },
      ],
    }),
  );
  if (epochs.some((e) => Number.isFinite(e.accuracy))) {
    await add(
      'accuracy',
      'Accuracy',
      'Share of examples classified right: training (solid, while the weights changed during the epoch) and validation (dashed).',
      lineChart({
        title: 'Accuracy',
        xLabel: 'epoch',
        yLabel: 'accuracy',
        series: [
          { name: 'training', points: curve(epochs, 'accuracy') },
          { name: 'validation', points: curve(epochs, 'val_accuracy'), dashed: true },
        ],
      }),
    );
  }
  if (input.confusion) {
    await add(
      'confusion-matrix',
      'Confusion matrix',
      'How the test examples of each true class (row) were classified (column); the diagonal is right.',
      confusionMatrixChart(input.confusion, input.classNames),
    );
  }
  const filters = await firstLayerFilters(input.model, input.inputShape);
  if (filters) {
    const per = 16;
    const rows = [];
    for (let i = 0; i < filters.tiles.length; i += per) {
      rows.push({ label: i === 0 ? filters.layer : '', tiles: filters.tiles.slice(i, i + per) });
    }
    const [first] = filters.tiles;
    await add(
      'filters',
      "The first layer's filters",
      `${filters.kind} '${filters.layer}': ${filters.shown} of its ${filters.total} ${filters.kind === 'Dense' ? 'units, each weight vector drawn as the image it is multiplied with' : `${first.height}×${first.width} kernels`}; blue negative, red positive, white zero (each on its own scale).`,
      imageGrid({
        title: `First layer: ${filters.layer} (${filters.kind})`,
        rows,
        tileSize: filters.kind === 'Dense' ? 48 : 56,
        labelWidth: 90,
      }),
    );
  }
  const images = input.testImages.filter((t) => t.image.shape.length === 3);
  const imageShape = images[0]?.image.shape;
  const isImageInput = imageShape !== undefined && input.inputShape.length === 3;
  if (isImageInput) {
    for (const [i, { image, label }] of images.slice(0, ACTIVATION_IMAGES).entries()) {
      const maps = await activationMaps(input.model, image, input.inputShape);
      if (maps.layers === 0) break;
      await add(
        `activations-${i + 1}`,
        `Activation maps: test image ${i + 1} (${input.classNames[label] ?? label})`,
        `The image and, for each of the ${maps.layers} convolution layers, its first channels after the layer (forward hooks; each map on its own scale, dark low, yellow high).`,
        imageGrid({
          title: `Activation maps of test image ${i + 1} (true class ${input.classNames[label] ?? label})`,
          rows: maps.rows,
          tileSize: 56,
          labelWidth: 230,
        }),
      );
    }
  }
  if (input.task === 'reconstruction' && imageShape) {
    const encoder = input.model as Module & {
      encode?: (x: import('@dendrite/core').Tensor) => import('@dendrite/core').Tensor;
    };
    const shown = images.slice(0, 10);
    const out = await runBatch(
      input.model,
      shown.map((s) => s.image),
      input.inputShape,
      (x) => input.model.forward(x),
    );
    const size = imageShape[0] * imageShape[1] * imageShape[2];
    const recon = shown.map((_s, i) => ({
      data: out.values.slice(i * size, (i + 1) * size),
      shape: imageShape,
    }));
    await add(
      'reconstructions',
      'Reconstructions',
      'Test images (top) and what the autoencoder makes of them (bottom).',
      imageGrid({
        title: 'Autoencoder reconstructions',
        rows: [
          { label: 'input', tiles: shown.map((s) => imageTile(s.image, input.classNames[s.label])) },
          {
            label: 'reconstruction',
            tiles: recon.map((im) => ({ ...imageTile(im), range: [0, 1] as [number, number] })),
          },
        ],
        tileSize: 56,
        labelWidth: 110,
      }),
    );
    if (typeof encoder.encode === 'function') {
      const codes = await runBatch(
        input.model,
        images.map((s) => s.image),
        input.inputShape,
        (x) => encoder.encode!(x),
      );
      const k = codes.shape[1];
      const { points, explained } = project2d(codes.values, images.length, k);
      await add(
        'codes',
        'Codes in two dimensions',
        `The ${k}-number codes of ${images.length} test images projected on their two principal components (${(explained * 100).toFixed(0)}% of the variance), coloured by class.`,
        scatterChart({
          title: `Autoencoder codes (${k} numbers) by PCA`,
          subtitle: `${images.length} test images; the two components hold ${(explained * 100).toFixed(0)}% of the codes' variance`,
          points,
          labels: images.map((s) => s.label),
          classNames: input.classNames,
          xLabel: 'first principal component',
          yLabel: 'second principal component',
        }),
      );
    }
  }
  const index = join(dir, 'index.html');
  await writeFile(index, reportHtml(input.title, input.facts, sections));
  return { dir, index, figures: sections.flatMap((s) => [s.png, s.svg]) };
}
