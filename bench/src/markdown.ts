/**
 * A run's results as the Markdown tables the root README quotes: values per peer with the ratios the
 * issue tracker judges by, and the model-FLOPs utilisation. Generated from the JSON (`pnpm --filter
 * @dendrite/bench tables FILE`), so the README's numbers are a run's, never retyped.
 */
import { type CaseResult, cell, groupRows, ratio, rowKey } from './report.js';
import type { PeerId } from './types.js';

/** The ratio columns, in order, each shown when both of its peers ran: [faster?, than, title]. */
export const MARKDOWN_RATIOS: readonly (readonly [PeerId, PeerId, string])[] = [
  ['dendrite-wasm', 'tfjs-wasm', 'wasm ÷ tfjs-wasm'],
  ['dendrite-wasm', 'torch-native', 'wasm ÷ torch'],
  ['dendrite-wasm', 'dendrite-wasm-1t', 'wasm 2 threads ÷ 1'],
  ['dendrite-cpu', 'tfjs-cpu', 'cpu ÷ tfjs-cpu'],
];

function markdownTable(header: readonly string[], rows: readonly string[][], numeric: number): string {
  const align = header.map((_, i) => (i < numeric ? '---' : '---:'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

/** Peers in `order` that have at least one result other than 'n/a'. */
function present(results: readonly CaseResult[], order: readonly PeerId[]): PeerId[] {
  return order.filter((p) => results.some((r) => r.peer === p && r.status !== 'n/a'));
}

/** Every row's value per peer, then the ratio columns whose two peers both ran. */
export function markdownResults(results: readonly CaseResult[], order: readonly PeerId[]): string {
  const peers = present(results, order);
  const ratios = MARKDOWN_RATIOS.filter(([a, b]) => peers.includes(a) && peers.includes(b));
  const rows = [...groupRows(results)].map(([key, rowResults]) => {
    const byPeer = new Map(rowResults.map((r) => [r.peer, r]));
    return [
      key,
      rowResults[0].unit,
      ...peers.map((p) => cell(byPeer.get(p)).replace(/^(-|n\/a)$/, '–')),
      ...ratios.map(([a, b]) => ratio(byPeer.get(a), byPeer.get(b)).replace(/^-$/, '–')),
    ];
  });
  return markdownTable(['workload', 'unit', ...peers, ...ratios.map(([, , title]) => title)], rows, 2);
}

/** Useful GFLOPS per peer with, in parentheses, the fraction of that peer's own GEMM rate. */
export function markdownUtilisation(results: readonly CaseResult[], order: readonly PeerId[]): string {
  const peers = present(results, order).filter((p) => results.some((r) => r.peer === p && r.gflops));
  const rows: string[][] = [];
  for (const [, rowResults] of groupRows(results)) {
    if (!rowResults.some((r) => r.gflops !== undefined)) continue;
    const byPeer = new Map(rowResults.map((r) => [r.peer, r]));
    rows.push([
      rowKey(rowResults[0]),
      ...peers.map((p) => {
        const r = byPeer.get(p);
        if (r?.gflops === undefined) return '–';
        const u = r.utilisation === undefined ? '' : ` (${(100 * r.utilisation).toFixed(0)} %)`;
        return `${r.gflops.toPrecision(3)}${u}`;
      }),
    ]);
  }
  return markdownTable(['workload', ...peers], rows, 1);
}
