/**
 * A choice between two ways of running the same call that give the same result (with other threads or
 * on the calling thread alone), made per kind of call by timing both and keeping the faster: on a
 * machine whose cores are busy with other processes, a thread that took part of the work is often not
 * scheduled and the caller waits for it, so the faster way depends on the load. Used by the thread gate
 * (runtime/thread-gate.ts) and the shaped kernels' helpers (codegen/helper-choice.ts), each with its own
 * constants.
 */

export interface TimedChoiceOptions {
  /** Every this many calls of one kind, the way that looks slower is timed again (the load changes). */
  readonly retryEvery: number;
  /** Weight of the newest time in a way's running average. */
  readonly averageWeight: number;
  /** The way kept unless the other's average cost is below `margin` times its own. */
  readonly preferred: 'first' | 'second';
  /** See `preferred`: 1 keeps the faster, below 1 asks the other way to be clearly faster. */
  readonly margin: number;
}

interface Cost {
  first: number;
  second: number;
  calls: number;
}

export class TimedChoice {
  private readonly costs = new Map<string, Cost>();

  constructor(private readonly options: TimedChoiceOptions) {}

  /**
   * Runs `first` or `second` for calls of kind `key`: the first call `first` and untimed (it may compile,
   * allocate or send modules to other threads), the next four alternating and timed (first, second,
   * first, second), then the faster (see TimedChoiceOptions.preferred), the other every `retryEvery`
   * calls. The cost recorded is in ms, or in ns per unit of `work` when given.
   */
  run<T>(key: string, first: () => T, second: () => T, work?: number): T {
    let cost = this.costs.get(key);
    if (cost === undefined) {
      cost = { first: Number.NaN, second: Number.NaN, calls: 0 };
      this.costs.set(key, cost);
    }
    const n = cost.calls++;
    if (n === 0) return first();
    const { retryEvery, averageWeight, preferred, margin } = this.options;
    const faster =
      preferred === 'first'
        ? cost.second < margin * cost.first
          ? 'second'
          : 'first'
        : cost.first < margin * cost.second
          ? 'first'
          : 'second';
    const useFirst = n < 5 ? n % 2 === 1 : n % retryEvery === 0 ? faster !== 'first' : faster === 'first';
    const start = performance.now();
    const result = useFirst ? first() : second();
    const ms = performance.now() - start;
    const spent = work === undefined ? ms : (ms * 1e6) / work;
    const side = useFirst ? 'first' : 'second';
    cost[side] = Number.isNaN(cost[side]) ? spent : cost[side] + averageWeight * (spent - cost[side]);
    return result;
  }
}
