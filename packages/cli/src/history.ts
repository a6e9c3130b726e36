/**
 * `history.json`, written next to the checkpoint: the run's settings and results with their own types
 * (numbers as numbers), and one record per epoch counted from 1, as the progress lines count them.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { History } from '@dendrite/optim';
import type { EpochRecord } from './report/report.js';

export interface HistoryFile {
  readonly model: string;
  readonly data: string;
  /** One example as the model takes it. */
  readonly input: number[];
  /** The data's own example shape, before any resizing. */
  readonly dataShape: number[];
  /** How the images were fitted to the model, when they were. */
  readonly adapted?: string;
  readonly classes?: number;
  readonly classNames?: string[];
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly limit?: number;
  readonly backend: string;
  readonly parameters: number;
  readonly seconds: number;
  readonly test: { readonly loss: number; readonly accuracy?: number; readonly examples: number };
  readonly history: {
    readonly epochs: EpochRecord[];
    readonly steps: number;
    /** Steps whose loss or gradients were not finite. */
    readonly nonFiniteSteps: number;
    readonly stoppedEarly: boolean;
  };
  readonly checkpoint: string;
  readonly report?: string;
}

/** The training loop's history with epochs counted from 1 (the loop counts from 0). */
export function epochRecords(history: History): EpochRecord[] {
  return history.epochs.map((e) => ({ ...e, epoch: e.epoch + 1 }));
}

/** What a train command knows when it writes `history.json` (its options and its results). */
export interface HistoryRun {
  readonly options: {
    readonly model: string;
    readonly data: string;
    readonly epochs: number;
    readonly batch: number;
    readonly lr: number;
    readonly seed: number;
    readonly limit?: number;
  };
  readonly input: readonly number[];
  readonly dataShape: readonly number[];
  readonly adapted?: string;
  readonly classes?: { readonly count: number; readonly names?: readonly string[] };
  readonly backend: string;
  readonly parameters: number;
  readonly seconds: number;
  readonly test: HistoryFile['test'];
  readonly history: HistoryFile['history'];
  readonly checkpoint: string;
  readonly report?: string;
}

/**
 * Writes `dir/history.json` for a classifier, autoencoder or GAN run alike (one schema, one writer):
 * paths relative to `dir`, seconds to hundredths, optional fields left out rather than written as null.
 */
export async function writeHistoryFile(dir: string, run: HistoryRun): Promise<HistoryFile> {
  const { options } = run;
  const file: HistoryFile = {
    model: options.model,
    data: options.data,
    input: [...run.input],
    dataShape: [...run.dataShape],
    ...(run.adapted ? { adapted: run.adapted } : {}),
    ...(run.classes
      ? { classes: run.classes.count, classNames: run.classes.names ? [...run.classes.names] : undefined }
      : {}),
    epochs: options.epochs,
    batch: options.batch,
    lr: options.lr,
    seed: options.seed,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    backend: run.backend,
    parameters: run.parameters,
    seconds: Math.round(run.seconds * 100) / 100,
    test: run.test,
    history: run.history,
    checkpoint: relative(dir, run.checkpoint),
    ...(run.report ? { report: relative(dir, run.report) } : {}),
  };
  await writeFile(join(dir, 'history.json'), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}
