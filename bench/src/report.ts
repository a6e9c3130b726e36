/** Results as records (for JSON) and as the human table with Dendrite ÷ peer speed-ratio columns. */
import type { Measurement } from './harness.js';
import type { StoppedStep } from './isolated-case.js';
import { boundKind, isTimeUnit, metricValue, speedOf } from './metric.js';
import type { StepProfile } from './profile.js';
import type { PeerId } from './types.js';

export interface CaseResult {
  readonly workload: string;
  readonly title: string;
  /** Empty when the workload has one case. */
  readonly case: string;
  readonly unit: string;
  readonly peer: PeerId;
  /**
   * 'n/a': the peer's library has no version of this workload (jax-js is measured on some only).
   * 'timeout': a step overran the step deadline and was stopped; `valueBound` says what that implies.
   */
  readonly status: 'ok' | 'unsupported' | 'error' | 'n/a' | 'timeout';
  /** The metric (in `unit`), from the median iteration time. */
  readonly value?: number;
  /**
   * 'timeout' only: the step took at least `stoppedAfterMs`, so the metric is at most (a rate) or at
   * least (a time per op) `value`. Never a measurement.
   */
  readonly valueBound?: { readonly relation: 'at most' | 'at least'; readonly value: number };
  /** 'timeout' only: how long the stopped step had run. */
  readonly stoppedAfterMs?: number;
  readonly medianMs?: number;
  readonly warmups?: number;
  readonly iterations?: number;
  /** Fewer warm-ups or iterations than the plan: a slow peer stopped by the per-case budget. */
  readonly reduced?: boolean;
  /** Live tensors after each timed iteration, and whether they changed. */
  readonly liveTensors?: number[];
  readonly leak?: boolean;
  /** The values the first and last steps read back (loss or an output element), as a sanity check. */
  readonly firstValue?: number;
  readonly lastValue?: number;
  readonly samplesMs?: number[];
  readonly message?: string;
  /** Training and inference cases: useful GFLOP/s from the model's count (`flops.ts`). */
  readonly gflops?: number;
  /** `gflops` as a fraction of the same peer's W1 N=512 rate in the same run. */
  readonly utilisation?: number;
  /** `--profile` (Dendrite peers): where a step's time went. */
  readonly profile?: StepProfile;
}

/** What identifies a result: its row and its peer. */
export type ResultBase = Pick<CaseResult, 'workload' | 'title' | 'case' | 'unit' | 'peer'>;

export function measuredResult(base: ResultBase, work: number, m: Measurement): CaseResult {
  return { ...base, status: 'ok', value: metricValue(base.unit, work, m.medianMs), ...m };
}

/**
 * A case whose step was stopped at the deadline: a bound on the metric from the time the step had run.
 * Steps that finished before it are kept, and the first one's value still takes part in the agreement
 * check (it did run).
 */
export function stoppedResult(base: ResultBase, work: number, stop: StoppedStep): CaseResult {
  const seconds = (stop.elapsedMs / 1000).toFixed(1);
  const before = stop.completed.length
    ? `; ${stop.completed.length} step(s) finished before it, in ${stop.completed.map((c) => `${(c.ms / 1000).toFixed(1)} s`).join(', ')}`
    : '';
  return {
    ...base,
    status: 'timeout',
    valueBound: { relation: boundKind(base.unit), value: metricValue(base.unit, work, stop.elapsedMs) },
    stoppedAfterMs: stop.elapsedMs,
    firstValue: stop.completed[0]?.value,
    message:
      `stopped: ${stop.phase} step ${stop.index} had run ${seconds} s without finishing ` +
      `(deadline ${stop.deadlineMs / 1000} s per step)${before}`,
  };
}

export function formatValue(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

export function rowKey(r: CaseResult): string {
  return r.case ? `${r.workload} ${r.title} ${r.case}` : `${r.workload} ${r.title}`;
}

export function cell(r: CaseResult | undefined): string {
  if (!r) return '-';
  if (r.status === 'timeout' && r.valueBound) {
    return `${r.valueBound.relation === 'at most' ? '<' : '>'} ${formatValue(r.valueBound.value)}`;
  }
  if (r.status !== 'ok') return r.status;
  return `${formatValue(r.value!)}${r.reduced ? '*' : ''}${r.leak ? '!' : ''}`;
}

/** A peer's speed (higher is faster) and whether it is exact or only an upper bound (a stopped step). */
function speed(r: CaseResult | undefined): { value: number; exact: boolean } | null {
  if (r?.status === 'ok') return { value: speedOf(r.unit, r.value!), exact: true };
  // A step that took at least T bounds the speed from above, whatever the unit.
  if (r?.status === 'timeout' && r.valueBound) {
    return { value: speedOf(r.unit, r.valueBound.value), exact: false };
  }
  return null;
}

/**
 * How many times faster `a` is than `b`, as "1.23×" when both were measured, "> 1.23×" when `b` was
 * stopped (its speed is only bounded from above), "< 1.23×" when `a` was; "-" otherwise.
 */
export function ratio(a: CaseResult | undefined, b: CaseResult | undefined): string {
  const [sa, sb] = [speed(a), speed(b)];
  if (!sa || !sb || !(sb.value > 0) || (!sa.exact && !sb.exact)) return '-';
  const q = sa.value / sb.value;
  const text = `${q >= 10 ? q.toFixed(1) : q.toFixed(2)}×`;
  if (sa.exact && sb.exact) return text;
  return sa.exact ? `> ${text}` : `< ${text}`;
}

/** Results grouped by table row (workload and case), in order of first appearance. */
export function groupRows(results: readonly CaseResult[]): Map<string, CaseResult[]> {
  const rows = new Map<string, CaseResult[]>();
  for (const r of results) rows.set(rowKey(r), [...(rows.get(rowKey(r)) ?? []), r]);
  return rows;
}

/**
 * Every peer starts from the same data, so the first step's value must agree (float32 rounding aside).
 * Returns a note when it does not.
 */
export function disagreement(rows: readonly CaseResult[], tolerance = 1e-3): string | null {
  const ok = rows.filter((r) => (r.status === 'ok' || r.status === 'timeout') && r.firstValue !== undefined);
  if (ok.length < 2) return null;
  const vs = ok.map((r) => r.firstValue!);
  const spread = Math.max(...vs) - Math.min(...vs);
  const scale = Math.max(1, ...vs.map(Math.abs));
  if (Number.isFinite(spread) && spread <= tolerance * scale) return null;
  return ok.map((r) => `${r.peer} ${r.firstValue}`).join(', ');
}

/** The table, then footnotes for reduced runs, leaks, stopped steps, unsupported cases and errors. */
export function renderTable(
  results: readonly CaseResult[],
  requested: readonly PeerId[],
  /** Column titles other than the peer id (a software adapter's column says so). */
  labels: ReadonlyMap<PeerId, string> = new Map(),
): string {
  // A peer with no version of any workload run (jax-js on the network workloads) would only add empty
  // columns.
  const absent = requested.filter((p) => {
    const own = results.filter((r) => r.peer === p);
    return own.length > 0 && own.every((r) => r.status === 'n/a');
  });
  const peers = requested.filter((p) => !absent.includes(p));
  const ours = peers.filter((p) => p.startsWith('dendrite'));
  const theirs = peers.filter((p) => !p.startsWith('dendrite'));
  const ratioCols = ours.flatMap((o) => theirs.map((t) => [o, t] as const));
  const header = [
    'workload',
    'unit',
    ...peers.map((p) => labels.get(p) ?? p),
    ...ratioCols.map(([o, t]) => `${o} ÷ ${t}`),
  ];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const [key, rowResults] of groupRows(results)) {
    const byPeer = new Map(rowResults.map((r) => [r.peer, r]));
    const differ = disagreement(rowResults);
    if (differ) notes.push(`≠ ${key}: the first step's values differ across peers: ${differ}`);
    const any = byPeer.values().next().value!;
    rows.push([
      key,
      any.unit,
      ...peers.map((p) => cell(byPeer.get(p))),
      ...ratioCols.map(([o, t]) => ratio(byPeer.get(o), byPeer.get(t))),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Text columns left-aligned, numbers right-aligned.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];

  for (const r of results) {
    const where = `${rowKey(r)} on ${r.peer}`;
    if (r.reduced) {
      notes.push(
        `* ${where}: ${r.warmups} warm-up(s), ${r.iterations} timed iteration(s) (slow peer, time budget)`,
      );
    }
    if (r.leak) {
      const [first, last] = [r.liveTensors![0], r.liveTensors!.at(-1)];
      notes.push(`! ${where}: live tensors changed across iterations: ${first} → ${last}`);
    }
    if (r.status !== 'ok' && r.status !== 'n/a') notes.push(`${r.status}: ${where}: ${r.message}`);
  }
  if (absent.length > 0) notes.push(`left out: ${absent.join(', ')} (no version of these workloads)`);
  if (results.some((r) => isTimeUnit(r.unit))) {
    notes.push(
      "ratios are of speed (above 1× the Dendrite peer is faster): for µs/op, the peer's time ÷ Dendrite's",
    );
  }
  if (notes.length > 0) out.push('', ...notes);
  return out.join('\n');
}

/** The case whose GEMM rate each peer's utilisation is measured against. */
export const GEMM_REFERENCE = { workload: 'W1', case: 'N=512' } as const;

/**
 * Adds achieved GFLOPS and utilisation to every measured case with a FLOP count: utilisation is the
 * case's useful FLOP rate over the same peer's W1 N=512 GEMM rate in the same run (absent when W1 did
 * not run for that peer).
 */
export function withUtilisation(
  results: readonly CaseResult[],
  gflopOf: (r: CaseResult) => number | undefined,
): CaseResult[] {
  const gemm = new Map<PeerId, number>();
  for (const r of results) {
    if (r.workload === GEMM_REFERENCE.workload && r.case === GEMM_REFERENCE.case && r.status === 'ok')
      gemm.set(r.peer, r.value!);
  }
  return results.map((r) => {
    const gflop = gflopOf(r);
    if (r.status !== 'ok' || gflop === undefined || !r.medianMs) return r;
    const gflops = gflop / (r.medianMs / 1000);
    const reference = gemm.get(r.peer);
    return { ...r, gflops, ...(reference ? { utilisation: gflops / reference } : {}) };
  });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** GFLOPS and utilisation per case with a FLOP count, one column per peer: "12.3 (45%)". */
export function renderUtilisation(results: readonly CaseResult[], peers: readonly PeerId[]): string {
  const rows: string[][] = [];
  for (const [key, rowResults] of groupRows(results)) {
    if (!rowResults.some((r) => r.gflops !== undefined)) continue;
    const byPeer = new Map(rowResults.map((r) => [r.peer, r]));
    rows.push([
      key,
      ...peers.map((p) => {
        const r = byPeer.get(p);
        if (r?.gflops === undefined) return '-';
        const u = r.utilisation === undefined ? '' : ` (${(100 * r.utilisation).toFixed(0)}%)`;
        return `${r.gflops.toPrecision(3)}${u}`;
      }),
    ]);
  }
  if (rows.length === 0) return '';
  return [
    'model-FLOPs utilisation: useful GFLOPS (counted from the model: 2 FLOPs per MAC forward, 6 per train step),',
    `in parentheses as a fraction of the same peer's ${GEMM_REFERENCE.workload} ${GEMM_REFERENCE.case} GEMM rate in this run`,
    '',
    table(['workload', ...peers], rows),
  ].join('\n');
}

/** `--profile`: per case and Dendrite peer, ms per step by category and the costliest kernels. */
export function renderProfiles(results: readonly CaseResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    const p = r.profile;
    if (!p) continue;
    const pct = (ms: number) => `${ms.toFixed(2)} (${((100 * ms) / p.stepMs).toFixed(0)}%)`;
    rows.push([
      `${rowKey(r)} ${r.peer}`,
      p.stepMs.toFixed(2),
      pct(p.byCategory['gemm/conv']),
      pct(p.byCategory['other kernels']),
      pct(p.byCategory.storage),
      pct(p.byCategory.framework),
      p.kernelCallsPerStep.toFixed(0),
      p.top
        .slice(0, 3)
        .map((t) => `${t.kernel} ${t.ms.toFixed(2)}`)
        .join(', '),
    ]);
  }
  if (rows.length === 0) return '';
  return [
    'profile (ms per step; framework = step time not spent in backend calls: dispatch, validation, autograd, JS)',
    '',
    table(
      ['case', 'step ms', 'gemm/conv', 'other kernels', 'storage', 'framework', 'calls', 'top kernels (ms)'],
      rows,
    ),
  ].join('\n');
}
