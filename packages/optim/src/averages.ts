/** Weighted means of a pass's batch results: an epoch's logs. */

/** One epoch's results: 'loss', each metric, 'val_loss' and 'val_<metric>' with validation, and 'lr'. */
export type EpochLogs = Record<string, number>;

export interface BatchResult {
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** weight of this batch in the epoch's means: the output's first dimension, or 1 */
  readonly size: number;
}

export interface AveragesState {
  readonly sums: readonly (readonly [string, number])[];
  readonly total: number;
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

  /** The running sums, to save with a run interrupted mid-epoch (`Averages.fromState`). */
  getState(): AveragesState {
    return { sums: [...this.sums], total: this.total };
  }

  static fromState(state: AveragesState): Averages {
    const a = new Averages();
    for (const [k, v] of state.sums) a.sums.set(k, v);
    a.total = state.total;
    return a;
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
