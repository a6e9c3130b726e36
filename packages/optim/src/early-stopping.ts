/**
 * Early stopping, a training callback: stop when a monitored metric has not improved for `patience`
 * epochs, optionally putting back the best parameters when training ends. NaN and ±Infinity are never an
 * improvement, so a diverging run cannot become "best"; with `restoreBest` the parameters put back are
 * those of the best finite epoch — or, when no epoch was finite, those training started from — also when
 * training ends with an error (a `DivergenceError`). Snapshots share storage with the tensors they copy
 * (tensors are immutable), so keeping them costs no copy.
 */
import * as d from '@dendrite/core';
import { ArgumentError, type Tensor } from '@dendrite/core';
import type { EpochLogs } from './averages.js';
import type { CallbackState, History, TrainCallbacks, TrainContext } from './callbacks.js';
import { finiteAtLeast } from './hyper.js';
import type { ParameterRef } from './parameter-ref.js';

export interface EarlyStoppingOptions {
  /** metric in the epoch logs (default 'val_loss' when the logs have it, else 'loss') */
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

export class EarlyStopping implements TrainCallbacks {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
  private readonly options: EarlyStoppingOptions;
  private readonly fixedMonitor: string | undefined;
  private chosenMonitor: string | undefined;
  private chosenMode: 'min' | 'max' | undefined;
  best = Number.NaN;
  /** the best epoch so far; −1 before any epoch had a finite value */
  bestEpoch = -1;
  private wait = 0;
  private snapshot: Tensor[] | null = null;

  /** `defaultMonitor` fixes the monitor when the options leave it out (else chosen from the logs). */
  constructor(options: EarlyStoppingOptions = {}, defaultMonitor?: string) {
    const op = 'earlyStopping';
    this.options = options;
    this.patience = finiteAtLeast(op, 'patience', options.patience ?? 0, 0);
    this.minDelta = finiteAtLeast(op, 'minDelta', options.minDelta ?? 0, 0);
    if (options.mode !== undefined && options.mode !== 'min' && options.mode !== 'max') {
      throw new ArgumentError(op, `mode must be 'min' or 'max', got '${String(options.mode)}'`);
    }
    this.restoreBest = options.restoreBest ?? false;
    this.fixedMonitor = options.monitor ?? defaultMonitor;
    this.chosenMonitor = this.fixedMonitor;
    if (this.chosenMonitor !== undefined) this.chosenMode = modeFor(this.chosenMonitor, options.mode);
  }

  /** The monitored metric (undefined until the first epoch's logs when it is chosen from them). */
  get monitor(): string | undefined {
    return this.chosenMonitor;
  }

  get mode(): 'min' | 'max' | undefined {
    return this.chosenMode;
  }

  // ---- the callback ----

  onTrainBegin(context: TrainContext): void {
    this.reset();
    // The state training starts from: what `restoreBest` puts back when no epoch is finite.
    if (this.restoreBest) this.snapshot = context.params.map((p) => d.keep(d.detach(p.value)));
  }

  onEpochEnd(epoch: number, logs: Readonly<EpochLogs>, context: TrainContext): void {
    if (this.update(epoch, logs, context.params)) context.stop();
  }

  onTrainEnd(history: History, context: TrainContext): void {
    const restored = this.finish(context.params, history.epochs.length - 1);
    context.record({ bestEpoch: this.bestEpoch, restoredBest: restored });
  }

  onTrainError(_error: unknown, context: TrainContext): void {
    const restored = this.finish(context.params, context.history.epochs.length - 1);
    context.record({ bestEpoch: this.bestEpoch, restoredBest: restored });
  }

  saveState(): CallbackState {
    return {
      values: {
        best: this.best,
        bestEpoch: this.bestEpoch,
        wait: this.wait,
        monitor: this.chosenMonitor ?? null,
        mode: this.chosenMode ?? null,
        snapshot: this.snapshot !== null,
      },
      tensors: this.snapshot ?? [],
    };
  }

  loadState(state: CallbackState): void {
    const op = 'EarlyStopping.loadState';
    const { best, bestEpoch, wait, monitor, mode, snapshot } = state.values as Record<string, unknown>;
    const tensors = state.tensors ?? [];
    const ok =
      typeof best === 'number' &&
      Number.isSafeInteger(bestEpoch) &&
      (bestEpoch as number) >= -1 &&
      Number.isSafeInteger(wait) &&
      (wait as number) >= 0 &&
      (monitor === null || typeof monitor === 'string') &&
      (mode === null || mode === 'min' || mode === 'max') &&
      typeof snapshot === 'boolean' &&
      (snapshot || tensors.length === 0);
    if (!ok) throw new ArgumentError(op, `not a saved state: ${JSON.stringify(state.values)}`);
    d.dispose(this.snapshot);
    this.snapshot = snapshot ? tensors.map((t) => d.keep(d.detach(t))) : null;
    this.best = best as number;
    this.bestEpoch = bestEpoch as number;
    this.wait = wait as number;
    this.chosenMonitor = (monitor as string | null) ?? undefined;
    this.chosenMode = (mode as 'min' | 'max' | null) ?? undefined;
  }

  // ---- the rule, usable without the loop ----

  /** Records one epoch's logs; true when training should stop. */
  update(epoch: number, logs: Readonly<Record<string, number>>, params: readonly ParameterRef[]): boolean {
    if (this.chosenMonitor === undefined) {
      this.chosenMonitor = 'val_loss' in logs ? 'val_loss' : 'loss';
      this.chosenMode = modeFor(this.chosenMonitor, this.options.mode);
    }
    const value = logs[this.chosenMonitor];
    if (value === undefined) {
      throw new ArgumentError(
        'earlyStopping',
        `monitor '${this.chosenMonitor}' is not in the epoch logs; available: ${Object.keys(logs).join(', ')}`,
      );
    }
    if (this.improves(value)) {
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

  /**
   * Puts the best parameters back (when asked to, and when the parameters are not already those) and
   * frees the snapshot. `lastEpoch`: the last completed epoch (−1: none). True when it restored.
   */
  finish(params: readonly ParameterRef[], lastEpoch: number): boolean {
    const snapshot = this.snapshot;
    this.snapshot = null;
    if (!snapshot) return false;
    // No epoch completed (or the best is the last one): the parameters are already the ones to keep.
    if (!this.restoreBest || lastEpoch < 0 || this.bestEpoch === lastEpoch) {
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

  private improves(value: number): boolean {
    if (!Number.isFinite(value)) return false;
    if (this.bestEpoch < 0) return true;
    return this.chosenMode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }

  private reset(): void {
    d.dispose(this.snapshot);
    this.snapshot = null;
    this.best = Number.NaN;
    this.bestEpoch = -1;
    this.wait = 0;
    if (this.fixedMonitor === undefined) {
      this.chosenMonitor = undefined;
      this.chosenMode = undefined;
    }
  }
}

function modeFor(monitor: string, mode: 'min' | 'max' | undefined): 'min' | 'max' {
  return mode ?? (monitor.includes('acc') ? 'max' : 'min');
}
