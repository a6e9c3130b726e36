/**
 * `dendrite visualize --checkpoint FILE --input IMAGE.png --out DIR [--model NAME]`: rebuilds the model a
 * `train` checkpoint names, fits the image to its input (bilinear resize, grey ↔ RGB), and writes to
 * `DIR` the activation maps of the image through every convolution (forward hooks), the first layer's
 * filters, the class probabilities, and an `index.html` showing them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createArchitecture } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { loadCheckpoint } from '@dendrite/layers/node';
import { PNG } from 'pngjs';
import { type BackendChoice, describeBackend, pickBackend } from '../backends.js';
import { fitImage } from '../images.js';
import { checkReadableFile, ensureWritableDir } from '../paths.js';
import type { Output } from '../progress.js';
import { activationMaps, firstLayerFilters, type HostImage, runBatch } from '../report/collect.js';
import { type ReportSection, reportHtml } from '../report/html.js';
import { imageGrid } from '../report/image-grid.js';
import { writeFigure } from '../report/render.js';

export interface VisualizeOptions {
  readonly checkpoint: string;
  readonly input: string;
  readonly out: string;
  /** Must match the checkpoint's model when it names one; needed when it does not. */
  readonly model?: string;
  readonly backend: BackendChoice;
  /** Channels drawn per layer (default 16). */
  readonly channels?: number;
}

export interface VisualizeResult {
  readonly index: string;
  /** Class probabilities of the image (classifiers), highest first. */
  readonly predictions: { readonly label: string; readonly probability: number }[];
  readonly layers: number;
}

/** A PNG file as `[H, W, C]` floats in [0, 1]: grey images (R = G = B everywhere) get one channel. */
export async function readPngImage(path: string): Promise<HostImage> {
  let png: PNG;
  try {
    png = PNG.sync.read(await readFile(path));
  } catch (e) {
    throw new d.ArgumentError('--input', `${path} is not a readable PNG image (${(e as Error).message})`);
  }
  const { width, height, data } = png;
  let grey = true;
  for (let p = 0; p < width * height && grey; p++) {
    grey = data[4 * p] === data[4 * p + 1] && data[4 * p] === data[4 * p + 2];
  }
  const c = grey ? 1 : 3;
  const out = new Float32Array(width * height * c);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < c; k++) out[p * c + k] = data[4 * p + k] / 255;
  }
  return { data: out, shape: [height, width, c] };
}

export async function visualizeCommand(options: VisualizeOptions, out: Output): Promise<VisualizeResult> {
  const checkpoint = checkReadableFile('--checkpoint', options.checkpoint, 'checkpoint file');
  const input = checkReadableFile('--input', options.input, 'image file');
  const dir = ensureWritableDir('--out', options.out);
  const pick = await pickBackend(options.backend);
  const { metadata, tensors } = await loadCheckpoint(checkpoint);
  let model: ReturnType<typeof createArchitecture>['model'] | undefined;
  try {
    const name = options.model ?? metadata.model;
    if (!name) {
      throw new d.ArgumentError(
        '--model',
        `${checkpoint} does not name its model (not written by dendrite train): pass --model`,
      );
    }
    if (options.model && metadata.model && options.model !== metadata.model) {
      throw new d.ArgumentError(
        '--model',
        `'${options.model}' does not match the checkpoint, which holds a '${metadata.model}'`,
      );
    }
    const shape = metadata.input ? (JSON.parse(metadata.input) as number[]) : undefined;
    const classes =
      metadata.classes && !['autoencoder', 'mlp-gan', 'dcgan'].includes(name)
        ? Number(metadata.classes)
        : undefined;
    const arch = createArchitecture(name, { classes, input: shape });
    model = arch.model;
    if (arch.inputShape.length !== 3) {
      throw new d.ArgumentError(
        'visualize',
        `'${name}' takes [${arch.inputShape.join(', ')}], not images: there are no activation maps to draw`,
      );
    }
    model.loadStateDict(tensors);
    const original = await readPngImage(input);
    const image = fitImage(original, arch.inputShape);
    const fitted: HostImage = { data: image.data, shape: image.shape };
    const changes: string[] = [];
    if (original.shape[0] !== image.shape[0] || original.shape[1] !== image.shape[1]) {
      changes.push(
        `resized from ${original.shape[0]}×${original.shape[1]} to ${image.shape[0]}×${image.shape[1]} (bilinear)`,
      );
    }
    if (original.shape[2] !== image.shape[2]) {
      changes.push(
        `${original.shape[2] === 1 ? 'grey' : 'colour'} to ${image.shape[2] === 1 ? 'grey' : `${image.shape[2]} channels`}`,
      );
    }
    out.log(`${name} from ${checkpoint}; ${describeBackend(pick)}`);
    out.log(`input ${input}: ${original.shape.join('×')}${changes.length ? `, ${changes.join(', ')}` : ''}`);
    const sections: ReportSection[] = [];
    const add = async (file: string, title: string, caption: string, svg: string) => {
      sections.push({ title, caption, ...(await writeFigure(dir, file, svg)) });
    };
    let predictions: VisualizeResult['predictions'] = [];
    if (arch.task === 'classification') {
      const probs = await runBatch(model, [fitted], arch.inputShape, (x) => d.softmax(model!.forward(x), -1));
      const names: string[] = metadata.classNames ? JSON.parse(metadata.classNames) : [];
      predictions = [...probs.values]
        .map((p, i) => ({ label: names[i] ?? String(i), probability: p }))
        .sort((a, b) => b.probability - a.probability);
      out.log(
        `prediction: ${predictions
          .slice(0, 3)
          .map((p) => `${p.label} ${(p.probability * 100).toFixed(1)}%`)
          .join(', ')}`,
      );
    }
    const maps = await activationMaps(model, fitted, arch.inputShape, options.channels ?? 16);
    if (maps.layers > 0) {
      await add(
        'activations',
        `Activation maps of ${basename(input)}`,
        `The image as the model sees it and, for each of the ${maps.layers} convolution layers, its first channels after the layer (each map on its own scale, dark low, yellow high).`,
        imageGrid({
          title: `Activation maps of ${basename(input)} (${name})`,
          rows: maps.rows,
          tileSize: 56,
          labelWidth: 230,
        }),
      );
    }
    const filters = await firstLayerFilters(model, arch.inputShape);
    if (filters) {
      const rows = [];
      for (let i = 0; i < filters.tiles.length; i += 16)
        rows.push({ label: i === 0 ? filters.layer : '', tiles: filters.tiles.slice(i, i + 16) });
      await add(
        'filters',
        "The first layer's filters",
        `${filters.kind} '${filters.layer}': ${filters.shown} of ${filters.total}; blue negative, red positive.`,
        imageGrid({ title: `First layer: ${filters.layer}`, rows, tileSize: 40, labelWidth: 90 }),
      );
    }
    const index = join(dir, 'index.html');
    const facts: [string, string][] = [
      ['model', `${name} (${checkpoint})`],
      ['input', `${input}${changes.length ? ` (${changes.join(', ')})` : ''}`],
      ['backend', describeBackend(pick)],
      ...(predictions.length
        ? [
            [
              'prediction',
              predictions
                .slice(0, 3)
                .map((p) => `${p.label} ${(p.probability * 100).toFixed(1)}%`)
                .join(', '),
            ] as [string, string],
          ]
        : []),
    ];
    await writeFile(index, reportHtml(`${name}: what it sees in ${basename(input)}`, facts, sections));
    out.log(`${maps.layers} convolution layers drawn; report: ${index}`);
    return { index, predictions, layers: maps.layers };
  } finally {
    d.dispose(Object.values(tensors));
    model?.dispose();
  }
}
