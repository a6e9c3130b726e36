/**
 * Renders the training loop's progress events: a bar per epoch on a terminal (cli-progress), and one
 * line per epoch with the training and validation metrics everywhere (so CI logs stay readable).
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

export class EpochProgress {
  private bar: SingleBar | null = null;

  constructor(private readonly out: Output) {}

  readonly onProgress = (e: ProgressEvent): void => {
    if (e.type === 'step') {
      if (!this.out.interactive) return;
      if (!this.bar) {
        this.bar = new SingleBar({
          format: `epoch ${e.epoch + 1}/${e.epochs} |{bar}| {value}/{total} steps | loss {loss}`,
          hideCursor: true,
          clearOnComplete: true,
          stream: this.out.stream,
        });
        this.bar.start(e.stepsPerEpoch ?? e.step, 0, { loss: '-' });
      }
      if (e.stepsPerEpoch !== undefined) this.bar.setTotal(e.stepsPerEpoch);
      this.bar.update(e.step, { loss: fmt(e.loss) });
      return;
    }
    this.bar?.stop();
    this.bar = null;
    this.out.log(`epoch ${e.epoch + 1}/${e.epochs}: ${formatLogs(e.metrics)}`);
  };

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
