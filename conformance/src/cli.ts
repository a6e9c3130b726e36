/**
 * pnpm conformance [--backend cpu|wasm|webgpu|all] [--fixtures DIR]... [--only-fixtures] [--json FILE]
 *
 * Runs the whole suite (@dendrite/conformance: built-in fixtures/torch and fixtures/onnx, op specs,
 * gradient checks, fused-kernel checks) on the chosen backends, prints the
 * op × backend matrix and the reason of every non-pass, and exits non-zero on any unexpected failure or
 * unexpected pass.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { builtInSources, folderSource, runSuite, type SuiteReport } from '@dendrite/conformance/node';
import { Command } from 'commander';
import { BACKENDS } from './backends.js';
import { renderDetails, renderMatrix } from './matrix.js';

const opts = new Command()
  .name('conformance')
  .description('Run the Dendrite conformance suite on one or more backends')
  .option('--backend <name>', `backend to test: ${Object.keys(BACKENDS).join(', ')} or all`, 'cpu')
  .option(
    '--fixtures <dir>',
    'extra fixture folder (torch or ONNX schema); repeatable',
    (v, acc: string[]) => [...acc, v],
    [],
  )
  .option('--only-fixtures', 'run only the --fixtures folders, not the built-in ones')
  .option('--json <file>', 'write the results as JSON')
  .option('--details', 'list every non-passing case with its reason', true)
  .parse()
  .opts<{ backend: string; fixtures: string[]; onlyFixtures?: boolean; json?: string; details: boolean }>();

const names = opts.backend === 'all' ? Object.keys(BACKENDS) : opts.backend.split(',');
for (const n of names) {
  if (!BACKENDS[n]) {
    console.error(`conformance: unknown backend '${n}'; known: ${Object.keys(BACKENDS).join(', ')}, all`);
    process.exit(2);
  }
}
const sources = [
  ...(opts.onlyFixtures ? [] : builtInSources()),
  ...opts.fixtures.map((f) => folderSource(resolve(process.cwd(), f))),
];

const reports: SuiteReport[] = [];
for (const name of names) {
  process.stderr.write(`running ${name} on ${sources.length} fixture folder(s)…\n`);
  const report = await runSuite(BACKENDS[name].create, {
    fixtures: sources,
    builtIn: !opts.onlyFixtures,
    expectedFailures: BACKENDS[name].expectedFailures,
    backendName: `conformance:${name}`,
  });
  reports.push({ ...report, backend: name });
}
console.log(renderMatrix(reports));
if (opts.details) {
  const details = renderDetails(reports);
  if (details) console.log(`\n${details}`);
}
if (opts.json) {
  const file = resolve(process.cwd(), opts.json);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}
const bad = reports.reduce((n, r) => n + r.totals.fail + r.totals.xpass, 0);
for (const r of reports) {
  const t = r.totals;
  console.log(
    `${r.backend}: ${t.pass} passed, ${t.fail} failed, ${t.xfail} expected failures, ${t.xpass} unexpected passes, ${t.unsupported} unsupported`,
  );
}
process.exit(bad > 0 ? 1 : 0);
