/** Results as records (for JSON) and as the human table with Dendrite ÷ tfjs ratio columns. */
import type { PeerId } from './types.js';

export interface CaseResult {
  readonly workload: string;
  readonly title: string;
  /** Empty when the workload has one case. */
  readonly case: string;
  readonly unit: string;
  readonly peer: PeerId;
  readonly status: 'ok' | 'unsupported' | 'error';
  /** The metric (in `unit`), from the median iteration time. */
  readonly value?: number;
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
}

export function formatValue(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

function rowKey(r: CaseResult): string {
  return r.case ? `${r.workload} ${r.title} ${r.case}` : `${r.workload} ${r.title}`;
}

function cell(r: CaseResult | undefined): string {
  if (!r) return '-';
  if (r.status !== 'ok') return r.status;
  return `${formatValue(r.value!)}${r.reduced ? '*' : ''}${r.leak ? '!' : ''}`;
}

/** `a / b` as "1.23×" when both ran; "-" otherwise. */
export function ratio(a: CaseResult | undefined, b: CaseResult | undefined): string {
  if (a?.status !== 'ok' || b?.status !== 'ok' || !b.value) return '-';
  const q = a.value! / b.value;
  return `${q >= 10 ? q.toFixed(1) : q.toFixed(2)}×`;
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
  const ok = rows.filter((r) => r.status === 'ok' && r.firstValue !== undefined);
  if (ok.length < 2) return null;
  const vs = ok.map((r) => r.firstValue!);
  const spread = Math.max(...vs) - Math.min(...vs);
  const scale = Math.max(1, ...vs.map(Math.abs));
  if (Number.isFinite(spread) && spread <= tolerance * scale) return null;
  return ok.map((r) => `${r.peer} ${r.firstValue}`).join(', ');
}

/** The table, then footnotes for reduced runs, leaks, unsupported cases and errors. */
export function renderTable(results: readonly CaseResult[], peers: readonly PeerId[]): string {
  const ours = peers.filter((p) => p.startsWith('dendrite'));
  const theirs = peers.filter((p) => p.startsWith('tfjs'));
  const ratioCols = ours.flatMap((o) => theirs.map((t) => [o, t] as const));
  const header = ['workload', 'unit', ...peers, ...ratioCols.map(([o, t]) => `${o} ÷ ${t}`)];
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
    if (r.status !== 'ok') notes.push(`${r.status}: ${where}: ${r.message}`);
  }
  if (notes.length > 0) out.push('', ...notes);
  return out.join('\n');
}
