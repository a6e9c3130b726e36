/**
 * Reduce the learning rate when a monitored metric stops improving (PyTorch's ReduceLROnPlateau). It is
 * stateful (it remembers the best value and how long ago it was), so it is an object, not a schedule: a
 * training callback (pass it as `schedule` or among `callbacks`), or driven by hand with `step()`. NaN and
 * ±Infinity are never an improvement: they count as a bad epoch and never become the best value.
 */
import { ArgumentError } from '@dendrite/core';
import type { EpochLogs } from './averages.js';
import type { CallbackState, TrainCallbacks, TrainContext } from './callbacks.js';
import { finiteAtLeast } from './hyper.js';

export interface ReduceLrOnPlateauOptions {
  /** metric to watch, by its name in the epoch logs (default 'val_loss' with validation, else 'loss') */
  readonly monitor?: string;
  /** 'min' (default): lower is better; 'max': higher is better */
  readonly mode?: 'min' | 'max';
  /** multiply the lr by this (default 0.1) */
  readonly factor?: number;
  /** epochs without improvement to tolerate before reducing (default 10) */
  readonly patience?: number;
  /** smallest change that counts as an improvement (default 1e-4) */
  readonly threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute */
  readonly thresholdMode?: 'rel' | 'abs';
  /** epochs to wait after a reduction before counting again (default 0) */
  readonly cooldown?: number;
  /** floor of the lr (default 0) */
  readonly minLr?: number;
}

export class ReduceLrOnPlateau implements TrainCallbacks {
  readonly monitor: string | undefined;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;

  constructor(options: ReduceLrOnPlateauOptions = {}) {
    const op = 'ReduceLrOnPlateau';
    this.monitor = options.monitor;
    this.mode = options.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') {
      throw new ArgumentError(op, `mode must be 'min' or 'max', got '${String(this.mode)}'`);
    }
    this.factor = finiteAtLeast(op, 'factor', options.factor ?? 0.1, 0);
    if (this.factor >= 1) throw new ArgumentError(op, `factor must be below 1, got ${this.factor}`);
    this.patience = finiteAtLeast(op, 'patience', options.patience ?? 10, 0);
    this.threshold = finiteAtLeast(op, 'threshold', options.threshold ?? 1e-4, 0);
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new ArgumentError(
        op,
        `thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`,
      );
    }
    this.cooldown = finiteAtLeast(op, 'cooldown', options.cooldown ?? 0, 0);
    this.minLr = finiteAtLeast(op, 'minLr', options.minLr ?? 0, 0);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The callback: after each epoch, the optimizer's lr for the next one. */
  onEpochEnd(_epoch: number, logs: Readonly<EpochLogs>, context: TrainContext): void {
    const monitor = this.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
    const value = logs[monitor];
    if (value === undefined) {
      throw new ArgumentError(
        'train',
        `ReduceLrOnPlateau monitors '${monitor}', which is not in the epoch logs (${Object.keys(logs).join(', ')})`,
      );
    }
    context.optimizer.lr = this.step(value, context.optimizer.lr);
  }

  saveState(): CallbackState {
    return { values: { best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft } };
  }

  loadState(state: CallbackState): void {
    const { best, badEpochs, cooldownLeft } = state.values as Record<string, unknown>;
    if (typeof best !== 'number' || !isCount(badEpochs) || !isCount(cooldownLeft)) {
      throw new ArgumentError(
        'ReduceLrOnPlateau.loadState',
        `not a saved state: ${JSON.stringify(state.values)}`,
      );
    }
    this.best = best;
    this.badEpochs = badEpochs;
    this.cooldownLeft = cooldownLeft;
  }

  /** Feeds one epoch's metric; returns the learning rate to use next (lr itself, or reduced). */
  step(metric: number, lr: number): number {
    if (this.improves(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.patience) {
      this.cooldownLeft = this.cooldown;
      this.badEpochs = 0;
      return Math.max(lr * this.factor, this.minLr);
    }
    return lr;
  }

  private improves(value: number): boolean {
    if (!Number.isFinite(value)) return false;
    const { best, threshold } = this;
    if (this.mode === 'min') {
      return value < (this.thresholdMode === 'rel' ? best * (1 - threshold) : best - threshold);
    }
    return value > (this.thresholdMode === 'rel' ? best * (1 + threshold) : best + threshold);
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
