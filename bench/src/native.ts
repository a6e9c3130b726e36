/**
 * The `torch-native` peer: the same workloads in native PyTorch (`bench/native/torch_workloads.py`), run
 * in a subprocess of the same bench run, after the JavaScript peers (so that the two never share the
 * cores). PyTorch draws its own initial weights, so its first values do not take part in the agreement
 * check. Needs `python3` with `torch` (Debian: `apt-get install python3-torch libopenblas0-pthread`);
 * without it the column says so.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { metricValue } from './metric.js';
import type { CaseResult } from './report.js';
import type { Workload } from './types.js';

const SCRIPT = fileURLToPath(new URL('../native/torch_workloads.py', import.meta.url));

export interface NativeRun {
  /** `torch <version>, <BLAS>, <threads> thread(s)`, or why there is no native column. */
  readonly description: string;
  readonly available: boolean;
  readonly results: readonly CaseResult[];
}

interface ScriptResult {
  workload: string;
  case: string;
  status: 'ok' | 'error' | 'n/a';
  medianMs?: number;
  iterations?: number;
  samplesMs?: number[];
  firstValue?: number;
  lastValue?: number;
  message?: string;
}

/**
 * The environment for PyTorch: this machine sets `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` for old
 * OpenBLAS builds, which would hold Debian's OpenBLAS to a generic core; they are removed for the
 * subprocess only.
 */
function torchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * Pythons to try, first that imports torch wins: `DENDRITE_BENCH_PYTHON`, the `python3` on PATH, then
 * Debian's own (a pyenv or venv python on PATH does not see Debian's `python3-torch`).
 */
const PYTHONS = [process.env.DENDRITE_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(
  (p): p is string => !!p,
);

/** The first python that imports torch, and torch's version. */
export function probeTorch(): { ok: true; python: string; version: string } | { ok: false; why: string } {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
      env: torchEnv(),
      timeout: 60_000,
    });
    if (!r.error && r.status === 0) return { ok: true, python, version: r.stdout.trim() };
  }
  return {
    ok: false,
    why: `no python among ${PYTHONS.join(', ')} imports torch (Debian: apt-get install python3-torch libopenblas0-pthread)`,
  };
}

/** Runs the selected workloads in PyTorch and returns them as results of the `torch-native` peer. */
export function runNative(
  workloads: readonly Workload[],
  options: { quick: boolean; threads: number },
): NativeRun {
  const probe = probeTorch();
  if (!probe.ok) {
    const results = workloads.flatMap((w) =>
      w.cases.map(
        (c): CaseResult => ({
          workload: w.id,
          title: w.title,
          case: c.label,
          unit: w.unit,
          peer: 'torch-native',
          status: 'n/a',
          message: probe.why,
        }),
      ),
    );
    return { description: `no native column: ${probe.why}`, available: false, results };
  }
  const args = [
    SCRIPT,
    '--workloads',
    workloads.map((w) => w.id).join(','),
    '--threads',
    `${options.threads}`,
  ];
  if (options.quick) args.push('--quick');
  const r = spawnSync(probe.python, args, {
    encoding: 'utf8',
    env: torchEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`torch-native: ${probe.python} ${SCRIPT} exited with ${r.status ?? r.signal}`);
  }
  const out = JSON.parse(r.stdout) as {
    torch: string;
    blas: string;
    threads: number;
    results: ScriptResult[];
  };
  const results: CaseResult[] = [];
  for (const w of workloads) {
    for (const c of w.cases) {
      const base = {
        workload: w.id,
        title: w.title,
        case: c.label,
        unit: w.unit,
        peer: 'torch-native' as const,
      };
      const s =
        out.results.find((x) => x.workload === w.id && x.case === c.label) ??
        out.results.find((x) => x.workload === w.id && x.status !== 'ok');
      if (!s) {
        results.push({ ...base, status: 'n/a', message: 'no PyTorch version of this case' });
      } else if (s.status !== 'ok') {
        results.push({ ...base, status: s.status, message: s.message });
      } else {
        const value = metricValue(w.unit, c.work, s.medianMs!);
        results.push({
          ...base,
          status: 'ok',
          value,
          medianMs: s.medianMs,
          iterations: s.iterations,
          samplesMs: s.samplesMs,
          // Not compared: PyTorch starts from its own weights (see above).
          lastValue: s.lastValue,
        });
      }
    }
  }
  return {
    description: `torch ${out.torch}, ${out.blas}, ${out.threads} thread(s)`,
    available: true,
    results,
  };
}
