/**
 * Renders the training loop's progress events. On a terminal, a bar per epoch (cli-progress draws it:
 * throttled redraws, cursor handling) with the elapsed time, the time left, the throughput in samples/s
 * and the last loss; when an epoch's length is not known yet (a stream in its first epoch) a spinner and
 * a step count take the bar's place. Everywhere, one line per epoch with the training and validation
 * metrics and the epoch's time, so logs and pipes stay readable (no bar is drawn there).
 */
import type { ProgressEvent } from '@dendrite/optim';
import { SingleBar } from 'cli-progress';

export interface Output {
  /** Writes one line. */
  log(line: string): void;
  /** Whether a progress bar can be drawn (an interactive terminal). */
  readonly interactive: boolean;
  /** Where the bar is drawn. */
  readonly stream?: NodeJS.WritableStream;
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

/** `loss 0.1234, accuracy 0.9700, val_loss …` from an epoch's logs (lr left out). */
export function formatLogs(logs: Readonly<Record<string, number>>): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'lr' && k !== 'epoch')
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
}

/** `0:07`, `12:03`, `1:02:03`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_WIDTH = 24;

/** What one bar line shows; a pure function of the numbers so it can be tested without a terminal. */
export interface BarState {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  /** Undefined while the epoch's length is unknown: a spinner and a count instead of a bar. */
  readonly total: number | undefined;
  readonly elapsedSeconds: number;
  /** Examples seen this epoch. */
  readonly samples: number;
  readonly loss: number | undefined;
}

/** `epoch 2/10 |██████░░░░| 12/40 steps | 0:03 elapsed, 0:07 left | 2,048 samples/s | loss 0.1234`. */
export function formatBar(s: BarState): string {
  const rate = s.elapsedSeconds > 0 ? s.samples / s.elapsedSeconds : 0;
  const throughput = `${Math.round(rate).toLocaleString('en-US')} samples/s`;
  const loss = `loss ${s.loss === undefined ? '-' : fmt(s.loss)}`;
  const head = `epoch ${s.epoch}/${s.epochs}`;
  if (s.total === undefined) {
    const spin = SPINNER[s.step % SPINNER.length];
    return `${head} ${spin} ${s.step} steps | ${formatDuration(s.elapsedSeconds)} elapsed | ${throughput} | ${loss}`;
  }
  const done = Math.min(1, s.total > 0 ? s.step / s.total : 1);
  const filled = Math.round(done * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const left = s.step > 0 ? (s.elapsedSeconds / s.step) * (s.total - s.step) : Number.NaN;
  return `${head} |${bar}| ${s.step}/${s.total} steps | ${formatDuration(s.elapsedSeconds)} elapsed, ${formatDuration(left)} left | ${throughput} | ${loss}`;
}

export interface EpochProgressOptions {
  /** Examples per step, for the throughput (the last batch of an epoch may be smaller). */
  readonly batchSize?: number;
  /** Examples per epoch, when known: the total steps before the loop has counted them, and the last batch's size. */
  readonly samplesPerEpoch?: number;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
}

export class EpochProgress {
  private bar: SingleBar | null = null;
  private epochStart = 0;
  private state: BarState | null = null;
  private readonly now: () => number;

  constructor(
    private readonly out: Output,
    private readonly options: EpochProgressOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Steps per epoch the loader will give, when the data set's length is known. */
  private expectedSteps(): number | undefined {
    const { batchSize, samplesPerEpoch } = this.options;
    if (!batchSize || samplesPerEpoch === undefined || !Number.isFinite(samplesPerEpoch)) return undefined;
    return Math.ceil(samplesPerEpoch / batchSize);
  }

  private samplesAfter(step: number, total: number | undefined): number {
    const { batchSize, samplesPerEpoch } = this.options;
    if (!batchSize) return 0;
    const n = step * batchSize;
    return total !== undefined && step >= total && samplesPerEpoch !== undefined
      ? Math.min(n, samplesPerEpoch)
      : n;
  }

  readonly onProgress = (e: ProgressEvent): void => {
    if (e.type === 'step') {
      if (e.step === 1) this.epochStart = this.now() - 1e-3;
      if (!this.out.interactive) return;
      const total = e.stepsPerEpoch ?? this.expectedSteps();
      this.state = {
        epoch: e.epoch + 1,
        epochs: e.epochs,
        step: e.step,
        total,
        elapsedSeconds: (this.now() - this.epochStart) / 1000,
        samples: this.samplesAfter(e.step, total),
        loss: e.loss,
      };
      if (!this.bar) {
        this.bar = new SingleBar({
          format: () => (this.state ? formatBar(this.state) : ''),
          hideCursor: true,
          clearOnComplete: true,
          stream: this.out.stream,
          // The spinner moves with the steps: redraw at most ten times a second.
          fps: 10,
        });
        this.bar.start(total ?? 0, 0);
      }
      this.bar.update(e.step);
      return;
    }
    this.stop();
    const seconds = (this.now() - this.epochStart) / 1000;
    this.out.log(`epoch ${e.epoch + 1}/${e.epochs}: ${formatLogs(e.metrics)} (${formatDuration(seconds)})`);
  };

  stop(): void {
    this.bar?.stop();
    this.bar = null;
    this.state = null;
  }
}
