/**
 * Early stopping: stop when a monitored metric has not improved for `patience` epochs, optionally
 * restoring the parameters of the best epoch. Snapshots share storage with the tensors they copy
 * (tensors are immutable), so keeping the best parameters costs no copy.
 */
import * as d from '@dendrite/core';
import { ArgumentError, type Tensor } from '@dendrite/core';
import { finiteAtLeast } from './hyper.js';
import type { ParameterRef } from './parameter-ref.js';

export interface EarlyStoppingOptions {
  /** metric in the epoch logs (default 'val_loss' with validation data, else 'loss') */
  readonly monitor?: string;
  /** epochs without improvement before stopping (default 0: stop at the first) */
  readonly patience?: number;
  /** smallest change that counts as an improvement (default 0) */
  readonly minDelta?: number;
  /** default: 'max' for names containing 'acc', else 'min' */
  readonly mode?: 'min' | 'max';
  /** put back the best epoch's parameters when training ends (default false) */
  readonly restoreBest?: boolean;
}

export class EarlyStopping {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBest: boolean;
  best: number;
  bestEpoch = -1;
  private wait = 0;
  private snapshot: Tensor[] | null = null;

  constructor(options: EarlyStoppingOptions, defaultMonitor: string) {
    const op = 'earlyStopping';
    this.monitor = options.monitor ?? defaultMonitor;
    this.patience = finiteAtLeast(op, 'patience', options.patience ?? 0, 0);
    this.minDelta = finiteAtLeast(op, 'minDelta', options.minDelta ?? 0, 0);
    this.mode = options.mode ?? (this.monitor.includes('acc') ? 'max' : 'min');
    if (this.mode !== 'min' && this.mode !== 'max') {
      throw new ArgumentError(op, `mode must be 'min' or 'max', got '${String(this.mode)}'`);
    }
    this.restoreBest = options.restoreBest ?? false;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Records one epoch's logs; true when training should stop. */
  update(epoch: number, logs: Readonly<Record<string, number>>, params: readonly ParameterRef[]): boolean {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new ArgumentError(
        'earlyStopping',
        `monitor '${this.monitor}' is not in the epoch logs; available: ${Object.keys(logs).join(', ')}`,
      );
    }
    const improved =
      this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBest) {
        d.dispose(this.snapshot);
        this.snapshot = params.map((p) => d.keep(d.detach(p.value)));
      }
      return false;
    }
    this.wait++;
    return this.wait >= this.patience;
  }

  /** Puts the best parameters back (when asked to) and frees the snapshot. */
  finish(params: readonly ParameterRef[], lastEpoch: number): boolean {
    const snapshot = this.snapshot;
    this.snapshot = null;
    if (!snapshot) return false;
    if (!this.restoreBest || this.bestEpoch === lastEpoch) {
      d.dispose(snapshot);
      return false;
    }
    params.forEach((p, i) => {
      const requiresGrad = p.value.requiresGrad;
      p.value.dispose();
      p.value = snapshot[i];
      if (requiresGrad && !p.value.requiresGrad) p.value.requiresGrad = true;
    });
    return true;
  }
}
