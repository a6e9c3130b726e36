/**
 * The timing method of WORKLOADS.md: warm-ups, then timed iterations until both a count and a time are
 * reached, median per iteration. A per-case budget lets very slow peers stop early; that is recorded so
 * the output can say so. A step longer than the step deadline is stopped by the isolation of
 * `isolated-case.ts`. The decision functions are pure so that they can be tested without timing.
 */

export interface TimingPlan {
  /** Warm-up iterations (JIT, caches, lazily built kernels); not timed. */
  readonly warmup: number;
  /** Timed iterations: at least this many... */
  readonly minIterations: number;
  /** ...and at least this much timed wall time, whichever takes longer. */
  readonly minTimeMs: number;
  /** Past this much total time (warm-ups included) a case stops as soon as it has `floorIterations`. */
  readonly budgetMs: number;
  /** The fewest timed iterations, even past the budget. */
  readonly floorIterations: number;
  /**
   * In an isolated case, a single step (warm-up or timed) still running after this long is stopped and
   * reported as a bound ("more than this per step"), not measured.
   */
  readonly stepDeadlineMs: number;
}

/** WORKLOADS.md: 3 warm-ups, then >= 10 iterations or >= 3 s, whichever is longer. */
export const FULL_PLAN: TimingPlan = {
  warmup: 3,
  minIterations: 10,
  minTimeMs: 3000,
  budgetMs: 60_000,
  floorIterations: 3,
  stepDeadlineMs: 60_000,
};

/** CI smoke runs: proves every workload runs on every peer, numbers are rough. */
export const QUICK_PLAN: TimingPlan = {
  warmup: 1,
  minIterations: 3,
  minTimeMs: 0,
  budgetMs: 10_000,
  floorIterations: 1,
  // Above one step of the slowest Dendrite peer on DenseNet-40 (about 15 s for its first step here).
  stepDeadlineMs: 30_000,
};

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Whether to run another warm-up, given how many ran and how long they took in all. */
export function shouldWarmUp(done: number, elapsedMs: number, plan: TimingPlan): boolean {
  if (done >= plan.warmup) return false;
  // One warm-up is enough to compile; a slow peer that already used a quarter of its budget skips the rest.
  return done === 0 || elapsedMs < plan.budgetMs / 4;
}

/**
 * Whether to run another timed iteration. `timedMs` is the timed phase so far, `totalMs` includes the
 * warm-ups (the budget covers the whole case).
 */
export function shouldTimeMore(
  iterations: number,
  timedMs: number,
  totalMs: number,
  plan: TimingPlan,
): boolean {
  if (iterations < plan.floorIterations) return true;
  if (totalMs >= plan.budgetMs) return false;
  return iterations < plan.minIterations || timedMs < plan.minTimeMs;
}

/** True when a measurement did less than the plan asks for (a slow peer cut short by the budget). */
export function isReduced(warmups: number, iterations: number, timedMs: number, plan: TimingPlan): boolean {
  return warmups < plan.warmup || iterations < plan.minIterations || timedMs < plan.minTimeMs;
}

/** Live tensor counts taken after each timed iteration are flat when they never change. */
export function isFlat(counts: readonly number[]): boolean {
  return counts.every((c) => c === counts[0]);
}

export interface Measurement {
  readonly warmups: number;
  readonly iterations: number;
  /** Per timed iteration, in order. */
  readonly samplesMs: number[];
  readonly medianMs: number;
  readonly reduced: boolean;
  /** The value read back by the first step: the same data on every peer, so it must agree across peers. */
  readonly firstValue: number;
  /** The value read back by the last iteration (a loss, or an output element). */
  readonly lastValue: number;
  /** Live tensors after each timed iteration; empty without a probe. */
  readonly liveTensors: number[];
  readonly leak: boolean;
}

export type StepPhase = 'warm-up' | 'timed';

/** What `measure` reports around each step, so that a supervisor can enforce a step deadline. */
export type StepEvent =
  | { readonly kind: 'start'; readonly phase: StepPhase; readonly index: number }
  | {
      readonly kind: 'end';
      readonly phase: StepPhase;
      readonly index: number;
      readonly ms: number;
      readonly value: number;
    };

export interface MeasureOptions {
  /** Live tensor count, probed after each timed iteration. */
  readonly liveTensors?: () => number;
  /** Before and after every step (warm-ups included); `index` counts from 1 within its phase. */
  readonly onStep?: (event: StepEvent) => void;
  readonly now?: () => number;
}

/**
 * Runs `step` per the plan. `step` must read its result back (so lazy or asynchronous backends really
 * finish the work inside the timed region) and return a value from it.
 */
export async function measure(
  step: () => Promise<number>,
  plan: TimingPlan,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const { liveTensors, onStep } = options;
  const now = options.now ?? (() => performance.now());
  let firstValue: number | undefined;
  let lastValue = Number.NaN;
  const run = async (phase: StepPhase, index: number): Promise<number> => {
    onStep?.({ kind: 'start', phase, index });
    const t0 = now();
    lastValue = await step();
    const ms = now() - t0;
    firstValue ??= lastValue;
    onStep?.({ kind: 'end', phase, index, ms, value: lastValue });
    return ms;
  };
  const start = now();
  let warmups = 0;
  while (shouldWarmUp(warmups, now() - start, plan)) {
    warmups++;
    await run('warm-up', warmups);
  }
  const timedStart = now();
  const samplesMs: number[] = [];
  const counts: number[] = [];
  while (shouldTimeMore(samplesMs.length, now() - timedStart, now() - start, plan)) {
    samplesMs.push(await run('timed', samplesMs.length + 1));
    if (liveTensors) counts.push(liveTensors());
  }
  const timedMs = now() - timedStart;
  return {
    warmups,
    iterations: samplesMs.length,
    samplesMs,
    medianMs: median(samplesMs),
    reduced: isReduced(warmups, samplesMs.length, timedMs, plan),
    firstValue: firstValue ?? Number.NaN,
    lastValue,
    liveTensors: counts,
    leak: !isFlat(counts),
  };
}

export type Failure = { readonly status: 'unsupported' | 'error'; readonly message: string };

/**
 * A peer that lacks a kernel says so in its error ("Kernel 'Conv2DBackpropFilter' not registered for
 * backend 'wasm'"); that is "unsupported", anything else is a real error.
 */
export function classifyFailure(e: unknown): Failure {
  const message = e instanceof Error ? e.message : String(e);
  const unsupported = /not registered|not (yet )?implemented|not supported|unsupported/i.test(message);
  return { status: unsupported ? 'unsupported' : 'error', message: message.split('\n')[0] };
}
