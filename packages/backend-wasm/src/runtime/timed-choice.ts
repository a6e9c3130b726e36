/**
 * A choice between two ways of running the same call that give the same result (with other threads or
 * on the calling thread alone), made per kind of call by timing both and keeping the faster: on a
 * machine whose cores are busy with other processes, a thread that took part of the work is often not
 * scheduled and the caller waits for it, so the faster way depends on the load. Used by the thread gate
 * (runtime/thread-gate.ts) and the shaped kernels' helpers (codegen/helper-choice.ts), each with its own
 * constants.
 *
 * A way's first calls are not representative: they compile and tier up code, fault in fresh memory and
 * wake threads that slept, so the opening times each way `warmUp` more times than it keeps. An average that kept them let
 * LeNet-5's first shared convolutions (2.6, 1.6 and 6.0 ms against 0.7 later, on a quiet machine) keep the
 * helpers out of three of its kernels for hundreds of steps; a way's cost is instead the median of its
 * last few kept timings, so one outlier does not flip the choice and stale costs age out.
 */

export interface TimedChoiceOptions {
  /** Every this many calls of one kind, the way that looks slower is timed again (the load changes). */
  readonly retryEvery: number;
  /** Timed calls of each way in the opening beyond `window`, whose times fall out (see the file comment). */
  readonly warmUp: number;
  /** A way's cost: the median of its last `window` kept timings. */
  readonly window: number;
  /** The way kept unless the other's cost is below `margin` times its own. */
  readonly preferred: 'first' | 'second';
  /** See `preferred`: 1 keeps the faster, below 1 asks the other way to be clearly faster. */
  readonly margin: number;
}

interface Costs {
  readonly first: number[];
  readonly second: number[];
  calls: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export class TimedChoice {
  private readonly costs = new Map<string, Costs>();

  constructor(private readonly options: TimedChoiceOptions) {}

  /** Calls of one kind that open its timing: the untimed first one, then both ways alternating. */
  get openingCalls(): number {
    return 1 + 2 * (this.options.warmUp + this.options.window);
  }

  /**
   * Runs `first` or `second` for calls of kind `key`: the first call `first` and untimed (it may compile,
   * allocate or send modules to other threads), then the two ways alternating (first, second, …) until
   * each has `warmUp + window` timings, then the faster (see TimedChoiceOptions.preferred), the other
   * every `retryEvery` calls. Costs are in ms, or in ns per unit of `work` when given.
   */
  run<T>(key: string, first: () => T, second: () => T, work?: number): T {
    let cost = this.costs.get(key);
    if (cost === undefined) {
      cost = { first: [], second: [], calls: 0 };
      this.costs.set(key, cost);
    }
    const n = cost.calls++;
    if (n === 0) return first();
    const { retryEvery, window, preferred, margin } = this.options;
    const opening = n < this.openingCalls;
    let useFirst: boolean;
    if (opening) useFirst = n % 2 === 1;
    else {
      const a = median(cost.first);
      const b = median(cost.second);
      const faster =
        preferred === 'first' ? (b < margin * a ? 'second' : 'first') : a < margin * b ? 'first' : 'second';
      useFirst = n % retryEvery === 0 ? faster !== 'first' : faster === 'first';
    }
    const start = performance.now();
    const result = useFirst ? first() : second();
    const ms = performance.now() - start;
    // Only the last `window` timings are kept: the opening's first `warmUp` of each way fall out.
    const kept = useFirst ? cost.first : cost.second;
    kept.push(work === undefined ? ms : (ms * 1e6) / work);
    if (kept.length > window) kept.shift();
    return result;
  }
}
