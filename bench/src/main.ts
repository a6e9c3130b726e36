/**
 * Runs the selected workloads on the selected peers in one process (so ratios compare like with like on
 * a shared machine), prints a table with Dendrite ÷ peer ratios and writes the results as JSON. Cases
 * marked `isolate` run each peer in a worker thread started from this same module (see
 * `isolated-case.ts`), so that a step past the deadline can be stopped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  createDendriteCpuPeer,
  createDendriteWasmPeer,
  createDendriteWebGPUPeer,
  SOFTWARE_ADAPTER,
} from './dendrite.js';
import { classifyFailure, FULL_PLAN, measure, QUICK_PLAN, type TimingPlan } from './harness.js';
import { caseJobOf, runIsolatedCase, serveCase } from './isolated-case.js';
import { runNative } from './native.js';
import type { StepProfile } from './profile.js';
import {
  type CaseResult,
  disagreement,
  formatValue,
  groupRows,
  measuredResult,
  type ResultBase,
  renderProfiles,
  renderTable,
  renderUtilisation,
  stoppedResult,
  withUtilisation,
} from './report.js';
import { createTfjsPeer } from './tfjs.js';
import {
  type BenchCase,
  type Implementations,
  PEER_IDS,
  type Peer,
  type PeerId,
  type Step,
  type Workload,
} from './types.js';
import { w1 } from './w1-matmul.js';
import { w2 } from './w2-conv2d.js';
import { w3 } from './w3-mlp-train.js';
import { w4 } from './w4-lenet-train.js';
import { w5 } from './w5-resnet20.js';
import { w6 } from './w6-lstm-train.js';
import { w7 } from './w7-densenet40-train.js';
import { w8 } from './w8-autoencoder-train.js';
import { w9 } from './w9-gan-step.js';
import { w10 } from './w10-op-overhead.js';

/** Steps timed per profiled case (`--profile`), after one warm-up. */
const PROFILED_STEPS = 3;

const WORKLOADS: readonly Workload[] = [w1, w2, w3, w4, w5, w6, w7, w8, w9, w10];
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
  profile: boolean;
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
    .option(
      '--profile',
      'once every case is timed, profile a few steps of each Dendrite measurement: time in GEMM/conv, other kernels, storage, framework',
      false,
    )
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
    `(slow peers stop early, floor ${plan.floorIterations}); in isolated cases a step is stopped ` +
    `after ${plan.stepDeadlineMs / 1000} s`
  );
}

async function createPeer(id: PeerId): Promise<Peer> {
  if (id === 'dendrite-cpu') return createDendriteCpuPeer();
  if (id === 'dendrite-wasm-1t') return createDendriteWasmPeer('one');
  if (id === 'dendrite-wasm') return createDendriteWasmPeer('all');
  if (id === 'dendrite-webgpu') return createDendriteWebGPUPeer();
  // Loaded only when asked for, so that a run without jax-js never loads it.
  if (id === 'jax-js') return (await import('./jaxjs.js')).createJaxPeer();
  if (id === 'torch-native')
    throw new Error('torch-native runs in a subprocess (native.ts), not as a peer here');
  return createTfjsPeer(id === 'tfjs-cpu' ? 'cpu' : 'wasm');
}

/** The implementation of a case for a peer's library; jax-js is measured on some workloads only. */
function implementationFor(impl: Implementations, peer: Peer): (() => Step) | undefined {
  if (peer.library === 'dendrite') return () => impl.dendrite();
  if (peer.library === 'tfjs') return () => impl.tfjs();
  return impl.jax && (() => impl.jax!());
}

/** Measures a case on a peer on this thread (its step cannot be interrupted). */
async function measureHere(
  base: ResultBase,
  c: BenchCase,
  peer: Peer,
  build: () => Step,
  plan: TimingPlan,
): Promise<CaseResult> {
  let step: Step | undefined;
  try {
    await peer.activate();
    step = build();
    const s = step;
    const m = await measure(() => s.run(), plan, { liveTensors: () => peer.liveTensors() });
    return measuredResult(base, c.work, m);
  } catch (e) {
    return { ...base, ...classifyFailure(e) };
  } finally {
    try {
      step?.dispose();
    } catch {
      // A step that failed half-way may have freed some of its tensors already.
    }
  }
}

/** Measures a case on a peer in a worker of its own, stopping a step that overruns the deadline. */
async function measureIsolated(
  base: ResultBase,
  c: BenchCase,
  caseIndex: number,
  plan: TimingPlan,
): Promise<CaseResult> {
  const job = { workload: base.workload, caseIndex, peer: base.peer, plan };
  const outcome = await runIsolatedCase(new URL(import.meta.url), job);
  if (outcome.kind === 'measured') return measuredResult(base, c.work, outcome.measurement);
  if (outcome.kind === 'stopped') return stoppedResult(base, c.work, outcome);
  return { ...base, ...classifyFailure(new Error(outcome.message)) };
}

/** One line per result on stderr while the run goes on. */
function describeResult(r: CaseResult): string {
  if (r.status !== 'ok') return `${r.status}: ${r.message}`;
  const timing = `median ${r.medianMs!.toFixed(2)} ms, ${r.iterations} iterations`;
  const leak = r.leak ? `, LIVE TENSORS GREW ${r.liveTensors![0]} → ${r.liveTensors!.at(-1)}` : '';
  return `${formatValue(r.value!)} ${r.unit} (${timing})${leak}`;
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
  /** `--profile` runs, each for the result at `at`, made once every case is timed. */
  const pendingProfiles: { at: number; run: () => Promise<StepProfile> }[] = [];
  let nativeDescription: string | undefined;
  const broken = new Map<PeerId, string>();
  for (const id of opts.peers) {
    if (id === 'torch-native') continue; // a subprocess after the JavaScript peers (native.ts)
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
      for (const id of opts.peers.filter((p) => p !== 'torch-native')) {
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
        const build = implementationFor(impl, peer);
        if (!build) {
          results.push({
            ...base,
            peer: id,
            status: 'n/a',
            message: `no ${peer.library} version of this case`,
          });
          continue;
        }
        const result = c.isolate
          ? await measureIsolated({ ...base, peer: id }, c, w.cases.indexOf(c), plan)
          : await measureHere({ ...base, peer: id }, c, peer, build, plan);
        if (opts.profile && peer.profileSteps && result.status === 'ok') {
          const profileSteps = peer.profileSteps.bind(peer);
          pendingProfiles.push({ at: results.length, run: () => profileSteps(build, PROFILED_STEPS) });
        }
        results.push(result);
        console.error(`${where}: ${describeResult(result)}`);
      }
    }
  }
  // Profiles run after every timed measurement: the profiled backend wraps each kernel, and once the
  // engine's call sites have seen it every later timing was slower (W10's add on backend-cpu 0.25 →
  // 0.36 µs, its 64³ matmul 145 → 159 µs).
  for (const p of pendingProfiles) {
    const r = results[p.at];
    if (r.status === 'ok') results[p.at] = { ...r, profile: await p.run() };
  }

  const selected = WORKLOADS.filter((w) => opts.workloads.includes(w.id));
  if (opts.peers.includes('torch-native')) {
    const native = runNative(selected, { quick: opts.quick, threads: machine.cores });
    console.log(`torch-native: ${native.description}`);
    nativeDescription = native.description;
    results.push(...native.results);
  }
  // FLOP counts build some models, which needs a backend: the last Dendrite peer's is still current.
  const gflop = new Map<string, number | undefined>();
  for (const w of selected) for (const c of w.cases) gflop.set(`${w.id}/${c.label}`, c.gflop?.());
  const final = withUtilisation(results, (r) => gflop.get(`${r.workload}/${r.case}`));

  console.log('');
  console.log(
    renderTable(
      final,
      opts.peers,
      new Map(
        peers
          .filter((p) => p.version.includes(SOFTWARE_ADAPTER))
          .map((p) => [p.id, `${p.id} (software adapter)`] as const),
      ),
    ),
  );
  const utilisation = renderUtilisation(final, opts.peers);
  if (utilisation) console.log(`\n${utilisation}`);
  const profiles = renderProfiles(final);
  if (profiles) console.log(`\n${profiles}`);
  mkdirSync(dirname(jsonPath), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine,
    plan: { quick: opts.quick, ...plan },
    peers: peers.map((p) => ({ id: p.id, library: p.library, version: p.version })),
    native: nativeDescription,
    results: final,
  };
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults written to ${jsonPath}`);
  // A smoke run fails on errors, leaks and peers that compute different values; 'unsupported' and
  // 'timeout' (a step stopped at the deadline, reported as a bound) are results, not failures.
  const mismatch = [...groupRows(final).values()].some((rows) => disagreement(rows) !== null);
  if (mismatch || results.some((r) => r.status === 'error' || r.leak)) process.exitCode = 1;
}

const caseJob = caseJobOf(workerData);
if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
} else if (caseJob) {
  // A worker of an isolated case: measure it and report to the runner on the main thread.
  void serveCase(caseJob, (message) => parentPort!.postMessage(message), {
    workloads: WORKLOADS,
    createPeer,
    implementationFor,
  });
}
