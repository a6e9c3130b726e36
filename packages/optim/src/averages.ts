/** Weighted means of a pass's batch results: an epoch's logs. */

/** One epoch's results: 'loss', each metric, 'val_loss' and 'val_<metric>' with validation, and 'lr'. */
export type EpochLogs = Record<string, number>;

export interface BatchResult {
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** weight of this batch in the epoch's means: the output's first dimension, or 1 */
  readonly size: number;
}

export class Averages {
  private readonly sums = new Map<string, number>();
  private total = 0;

  add(r: BatchResult): void {
    this.total += r.size;
    for (const [k, v] of Object.entries({ loss: r.loss, ...r.metrics })) {
      this.sums.set(k, (this.sums.get(k) ?? 0) + v * r.size);
    }
  }

  get count(): number {
    return this.total;
  }

  means(prefix = ''): EpochLogs {
    const out: EpochLogs = {};
    for (const [k, v] of this.sums) out[prefix + k] = v / this.total;
    return out;
  }
}
