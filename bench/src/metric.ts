/**
 * A workload's metric from a step time: most are rates (GFLOPS, samples/s: `work / seconds`, higher is
 * better), W10's is a time per op (`µs / op`, lower is better). Ratios between peers are always of
 * speed, so "above 1×" means the first peer is faster whatever the unit.
 */

export type RateUnit = 'GFLOPS' | 'samples/s' | 'images/s' | 'sequences/s' | 'steps/s';
export type TimeUnit = 'µs/op';
export type Unit = RateUnit | TimeUnit;

const TIME_UNITS: readonly string[] = ['µs/op'] satisfies TimeUnit[];

export function isTimeUnit(unit: string): boolean {
  return TIME_UNITS.includes(unit);
}

/** The metric for one step of `work` units taking `ms`: `work / s` for a rate, `µs / work` for a time. */
export function metricValue(unit: string, work: number, ms: number): number {
  return isTimeUnit(unit) ? (ms * 1000) / work : work / (ms / 1000);
}

/**
 * A step stopped after `ms` took at least that long: the metric is then at most (rate) or at least (time)
 * `metricValue(unit, work, ms)`.
 */
export function boundKind(unit: string): 'at most' | 'at least' {
  return isTimeUnit(unit) ? 'at least' : 'at most';
}

/** Speed (higher is faster) from a metric value, so that ratios read the same way for every unit. */
export function speedOf(unit: string, value: number): number {
  return isTimeUnit(unit) ? 1 / value : value;
}
