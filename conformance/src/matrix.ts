/** The op × backend matrix printed by `pnpm conformance`. */

import type { SuiteReport as BackendReport } from '@dendrite/conformance';
import type { CaseResult } from '@dendrite/core/conformance';

/** One cell: counts per status, and the worst error of any failure. */
function cell(cases: readonly CaseResult[]): string {
  if (cases.length === 0) return '—';
  const n = (s: CaseResult['status']) => cases.filter((c) => c.status === s).length;
  const parts: string[] = [];
  if (n('pass')) parts.push(`${n('pass')} pass`);
  if (n('fail')) {
    const worst = Math.max(...cases.filter((c) => c.status === 'fail').map((c) => c.maxAbsErr));
    parts.push(
      `${n('fail')} FAIL${Number.isFinite(worst) && worst > 0 ? ` (max abs ${worst.toExponential(1)})` : ''}`,
    );
  }
  if (n('xfail')) parts.push(`${n('xfail')} xfail`);
  if (n('xpass')) parts.push(`${n('xpass')} XPASS`);
  if (n('unsupported')) parts.push(`${n('unsupported')} unsupported`);
  return parts.join(', ');
}

export function renderMatrix(reports: readonly BackendReport[]): string {
  const keyOf = (c: CaseResult) => `${c.source.split(':')[0]}:${c.op}`;
  const keys = [...new Set(reports.flatMap((r) => r.cases.map(keyOf)))].sort();
  const header = ['op', ...reports.map((r) => r.backend)];
  const rows = keys.map((k) => [k, ...reports.map((r) => cell(r.cases.filter((c) => keyOf(c) === k)))]);
  const totals = [
    'TOTAL',
    ...reports.map((r) =>
      Object.entries(r.totals)
        .map(([s, v]) => `${v} ${s}`)
        .join(', '),
    ),
  ];
  const table = [header, ...rows, totals];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((v, i) => v.padEnd(widths[i])).join(' │ ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line), line(totals)].join(
    '\n',
  );
}

/** Failures, expected failures and unsupported cases, each with its reason. */
export function renderDetails(reports: readonly BackendReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    for (const c of r.cases) {
      if (c.status === 'pass') continue;
      out.push(
        `[${r.backend}] ${c.status.toUpperCase().padEnd(11)} ${c.source} ${c.name}: ${c.reason ?? ''}`,
      );
    }
  }
  return out.join('\n');
}
