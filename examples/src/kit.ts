/**
 * What the examples share: their command line (`--quick` for the cut-down run CI uses, `--seed`,
 * `--backend`), choosing a backend by name, and stating a target and whether it was reached (a missed
 * target sets a non-zero exit code, so CI catches a regression in accuracy).
 */
import * as d from '@dendrite/core';
import { Command } from 'commander';

export interface ExampleOptions {
  /** The cut-down run: a smaller budget and its own target. */
  readonly quick: boolean;
  readonly seed: number;
  readonly backend: string;
}

/** Parses the common options (and any `extra` ones the example adds). */
export function exampleOptions<T extends object = object>(
  description: string,
  extra: (c: Command) => Command = (c) => c,
): ExampleOptions & T {
  const command = new Command()
    .description(description)
    .option('--quick', 'the cut-down run (CI): a smaller budget and its own target', false)
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 1)
    .option('--backend <name>', 'cpu, wasm or webgpu', 'cpu');
  return extra(command).parse().opts<ExampleOptions & T>();
}

/** Registers and selects a backend by name (the CPU always; wasm and webgpu when installed). */
export async function useBackend(name: string): Promise<void> {
  if (name === 'cpu') {
    const { registerCpuBackend } = await import('@dendrite/backend-cpu');
    registerCpuBackend();
  } else {
    const pkg = `@dendrite/backend-${name}`;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pkg)) as Record<string, unknown>;
    } catch (e) {
      throw new d.BackendError(
        'example',
        `backend '${name}' is unavailable: cannot import ${pkg} (${(e as Error).message})`,
      );
    }
    const register = Object.entries(mod).find(
      ([k, v]) => /^register\w*Backend$/.test(k) && typeof v === 'function',
    );
    if (!register) throw new d.BackendError('example', `${pkg} exports no register…Backend() yet`);
    (register[1] as () => void)();
  }
  await d.setBackend(name);
}

/** Seconds since `start`, for the log. */
export function seconds(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}

type Comparison = '>=' | '<' | '<=';

/**
 * Prints `target: <what> <comparison> <bound> — reached (value)` or `— NOT reached`; a miss sets the
 * process's exit code to 1.
 */
export function reportTarget(what: string, value: number, comparison: Comparison, bound: number): boolean {
  const ok = comparison === '>=' ? value >= bound : comparison === '<' ? value < bound : value <= bound;
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(4);
  console.log(`target: ${what} ${comparison} ${bound} — ${ok ? 'reached' : 'NOT reached'} (${shown})`);
  if (!ok) process.exitCode = 1;
  return ok;
}

/** Ends an example that cannot run here (missing data), saying why and how to fix it; exit code 0. */
export function skip(reason: string): never {
  console.log(`skipped: ${reason}`);
  process.exit(0);
}
