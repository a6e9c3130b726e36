/**
 * Runs the selected workloads on the selected peers in one process (so ratios compare like with like on
 * a shared machine), prints a table with Dendrite ÷ tfjs ratios and writes the results as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createDendriteCpuPeer, createDendriteWasmPeer } from './dendrite.js';
import { classifyFailure, FULL_PLAN, measure, QUICK_PLAN, type TimingPlan } from './harness.js';
import { type CaseResult, disagreement, formatValue, groupRows, renderTable } from './report.js';
import { createTfjsPeer } from './tfjs.js';
import { PEER_IDS, type Peer, type PeerId, type Step, type Workload } from './types.js';
import { w1 } from './w1-matmul.js';
import { w2 } from './w2-conv2d.js';
import { w3 } from './w3-mlp-train.js';
import { w4 } from './w4-lenet-train.js';

const WORKLOADS: readonly Workload[] = [w1, w2, w3, w4];
const DEFAULT_JSON = fileURLToPath(new URL('../results/latest.json', import.meta.url));

function listOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T[] => {
    const ids = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const id of ids) {
      if (!allowed.includes(id as T))
        throw new InvalidArgumentError(`unknown ${what} '${id}'; expected ${allowed.join(', ')}`);
    }
    return ids as T[];
  };
}

const WORKLOAD_IDS = WORKLOADS.map((w) => w.id);

interface Options {
  workloads: string[];
  peers: PeerId[];
  quick: boolean;
  json: string;
}

function parseArgs(argv: string[]): Options {
  const program = new Command()
    .name('dendrite-bench')
    .description('Dendrite against TensorFlow.js on the workloads of WORKLOADS.md, in one process.')
    .addOption(
      new Option('--workloads <ids>', 'comma-separated workloads')
        .argParser(listOf(WORKLOAD_IDS, 'workload'))
        .default(WORKLOAD_IDS, WORKLOAD_IDS.join(',')),
    )
    .addOption(
      new Option('--peers <ids>', 'comma-separated peers')
        .argParser(listOf(PEER_IDS, 'peer'))
        .default([...PEER_IDS], PEER_IDS.join(',')),
    )
    .option('--quick', 'smoke run: 1 warm-up, 3 iterations, 10 s budget per case (rough numbers)', false)
    .addOption(
      new Option('--json <file>', 'write the results as JSON here').default(
        DEFAULT_JSON,
        'bench/results/latest.json',
      ),
    );
  // `pnpm bench -- --quick` hands the `--` through; commander would take it as the end of the options.
  const args = argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  program.parse(args, { from: 'user' });
  return program.opts<Options>();
}

function describePlan(plan: TimingPlan): string {
  return (
    `${plan.warmup} warm-up(s), then >= ${plan.minIterations} iterations ` +
    `and >= ${plan.minTimeMs / 1000} s, median; budget ${plan.budgetMs / 1000} s per case ` +
    `(slow peers stop early, floor ${plan.floorIterations})`
  );
}

async function createPeer(id: PeerId): Promise<Peer> {
  if (id === 'dendrite-cpu') return createDendriteCpuPeer();
  if (id === 'dendrite-wasm-1t') return createDendriteWasmPeer('one');
  if (id === 'dendrite-wasm') return createDendriteWasmPeer('all');
  return createTfjsPeer(id === 'tfjs-cpu' ? 'cpu' : 'wasm');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv);
  const plan = opts.quick ? QUICK_PLAN : FULL_PLAN;
  // A relative --json is meant relative to where the user typed the command, not bench/ (pnpm's cwd).
  const jsonPath = resolve(process.env.INIT_CWD ?? process.cwd(), opts.json);
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}`);
  console.log(`timing${opts.quick ? ' (--quick)' : ''}: ${describePlan(plan)}`);

  const peers: Peer[] = [];
  const results: CaseResult[] = [];
  const broken = new Map<PeerId, string>();
  for (const id of opts.peers) {
    try {
      peers.push(await createPeer(id));
    } catch (e) {
      broken.set(id, classifyFailure(e).message);
      console.error(`peer ${id} failed to start: ${broken.get(id)}`);
    }
  }
  console.log(`peers: ${peers.map((p) => `${p.id} (${p.library} ${p.version})`).join(', ')}`);

  for (const w of WORKLOADS.filter((w) => opts.workloads.includes(w.id))) {
    for (const c of w.cases) {
      const impl = c.prepare();
      const base = { workload: w.id, title: w.title, case: c.label, unit: w.unit };
      for (const id of opts.peers) {
        const where = `${w.id}${c.label ? ` ${c.label}` : ''} ${id}`;
        const peer = peers.find((p) => p.id === id);
        if (!peer) {
          results.push({
            ...base,
            peer: id,
            status: 'error',
            message: `peer failed to start: ${broken.get(id)}`,
          });
          continue;
        }
        let step: Step | undefined;
        try {
          await peer.activate();
          step = peer.library === 'dendrite' ? impl.dendrite() : impl.tfjs();
          const s = step;
          const m = await measure(
            () => s.run(),
            plan,
            () => peer.liveTensors(),
          );
          const value = c.work / (m.medianMs / 1000);
          results.push({ ...base, peer: id, status: 'ok', value, ...m });
          const timing = `median ${m.medianMs.toFixed(2)} ms, ${m.iterations} iterations`;
          const leak = m.leak ? `, LIVE TENSORS GREW ${m.liveTensors[0]} → ${m.liveTensors.at(-1)}` : '';
          console.error(`${where}: ${formatValue(value)} ${w.unit} (${timing})${leak}`);
        } catch (e) {
          const f = classifyFailure(e);
          results.push({ ...base, peer: id, ...f });
          console.error(`${where}: ${f.status}: ${f.message}`);
        } finally {
          try {
            step?.dispose();
          } catch {
            // A step that failed half-way may have freed some of its tensors already.
          }
        }
      }
    }
  }

  console.log('');
  console.log(renderTable(results, opts.peers));
  mkdirSync(dirname(jsonPath), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine,
    plan: { quick: opts.quick, ...plan },
    peers: peers.map((p) => ({ id: p.id, library: p.library, version: p.version })),
    results,
  };
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults written to ${jsonPath}`);
  // A smoke run fails on errors, leaks and peers that compute different values; 'unsupported' is fine.
  const mismatch = [...groupRows(results).values()].some((rows) => disagreement(rows) !== null);
  if (mismatch || results.some((r) => r.status === 'error' || r.leak)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
