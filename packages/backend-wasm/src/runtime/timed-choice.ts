/**
 * A choice between two ways of running the same call that give the same result (with other threads or
 * on the calling thread alone), made per kind of call by timing both and keeping the faster: on a
 * machine whose cores are busy with other processes, a thread that took part of the work is often not
 * scheduled and the caller waits for it, so the faster way depends on the load. Used by the thread gate
 * (runtime/thread-gate.ts) and the shaped kernels' helpers (codegen/helper-choice.ts), each with its own
 * constants.
 *
 * A way's cost is the median of its latest timed calls, not a running average: on a loaded machine
 * single calls of either way are preempted for a time slice (LeNet-5's first conv forward on its own:
 * median 0.51 ms, one call 8.9 ms), and an average seeded by such a call kept the wrong way for
 * hundreds of calls, retried only every `retryEvery`. Timed interleaved in one process on 2 busy cores
 * (load average 4), both ways' slow tails were alike for most of LeNet-5's kernels while the medians
 * favoured the helpers (conv2's filter gradient: 1.18 against 1.48 ms), yet the averages had chosen the
 * calling thread alone.
 */

export interface TimedChoiceOptions {
  /** Every this many calls of one kind, the way that looks slower is timed again (the load changes). */
  readonly retryEvery: number;
  /** How many of a way's latest timed calls its cost is the median of (odd: one middle call). */
  readonly window: number;
  /** The way kept unless the other's cost is below `margin` times its own. */
  readonly preferred: 'first' | 'second';
  /** See `preferred`: 1 keeps the faster, below 1 asks the other way to be clearly faster. */
  readonly margin: number;
}

/**
 * Timed calls of each way before the choice is made (alternating): three, so that one preempted call
 * of a way is outvoted by its other two.
 */
export const PROBES_PER_WAY = 3;

interface Costs {
  /** The latest timed costs of each way, oldest first (at most `window`). */
  first: number[];
  second: number[];
  calls: number;
}

/** The median of `xs` (NaN when empty; the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export class TimedChoice {
  private readonly costs = new Map<string, Costs>();

  constructor(private readonly options: TimedChoiceOptions) {}

  /**
   * Runs `first` or `second` for calls of kind `key`: the first call `first` and untimed (it may compile,
   * allocate or send modules to other threads), the next 2·PROBES_PER_WAY alternating and timed (first,
   * second, …), then the faster by median cost (see TimedChoiceOptions.preferred), the other every
   * `retryEvery` calls. The cost recorded is in ms, or in ns per unit of `work` when given.
   */
  run<T>(key: string, first: () => T, second: () => T, work?: number): T {
    let cost = this.costs.get(key);
    if (cost === undefined) {
      cost = { first: [], second: [], calls: 0 };
      this.costs.set(key, cost);
    }
    const n = cost.calls++;
    if (n === 0) return first();
    const { retryEvery, window } = this.options;
    const useFirst =
      n <= 2 * PROBES_PER_WAY
        ? n % 2 === 1
        : n % retryEvery === 0
          ? this.faster(cost) !== 'first'
          : this.faster(cost) === 'first';
    const start = performance.now();
    const result = useFirst ? first() : second();
    const ms = performance.now() - start;
    const samples = useFirst ? cost.first : cost.second;
    samples.push(work === undefined ? ms : (ms * 1e6) / work);
    if (samples.length > window) samples.shift();
    return result;
  }

  /** The way with the lower median cost, ties (within the margin) to the preferred one. */
  private faster(cost: Costs): 'first' | 'second' {
    const { preferred, margin } = this.options;
    const first = median(cost.first);
    const second = median(cost.second);
    if (preferred === 'first') return second < margin * first ? 'second' : 'first';
    return first < margin * second ? 'first' : 'second';
  }
}
