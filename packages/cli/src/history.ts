/**
 * `history.json`, written next to the checkpoint: the run's settings and results with their own types
 * (numbers as numbers), and one record per epoch counted from 1, as the progress lines count them.
 */
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
