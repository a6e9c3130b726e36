/**
 * Helper threads for the kernels Dendrite emits (the threaded build's heap is a SharedArrayBuffer, so a
 * worker that instantiates an emitted module over the same memory computes in place). XNNPACK's own pool
 * belongs to the C side and cannot run our code; these helpers share an emitted GEMM's column tiles with
 * the calling thread.
 *
 * Work is handed out dynamically, in shrinking chunks (guided self-scheduling): every participant takes
 * a share of the column tiles still left from a shared atomic counter, big chunks first and single tiles
 * at the end, so the threads finish within a tile of each other and a helper that the OS has descheduled
 * (a busy machine) costs the caller only the tiles it did not get to. A call is a few words in a shared control
 * block and an `Atomics.notify`, not a message: helpers sleep in `Atomics.wait`, so waking one costs a
 * futex wake, not an event-loop turn.
 *
 * Platform-neutral: the platform supplies `spawn` (Node: worker_threads).
 */

import { GEMM_COLS } from '../codegen/gemm.js';

/** Words of one helper's control block (Int32Array); the block of helper i starts at word 16·(i + 1). */
export const CONTROL = {
  /** Bumped by the caller for each job (and for exit). */
  job: 0,
  /** Set to the job number by the helper when the job is done. */
  done: 1,
  /** Index of the function to run, or -1 to exit. */
  fn: 2,
  /** 0 ok, 1 the function threw (a trap). */
  status: 3,
  /** The function's first four i32 arguments (pointers). */
  args: 4,
  /** Column tiles in all, and the divisor of what remains that sizes the next chunk. */
  tiles: 8,
  parts: 9,
  /** Set to 1 by the helper once its thread runs. */
  started: 11,
  words: 16,
} as const;

/** How long an idle helper keeps polling for the next job before it sleeps in `Atomics.wait`. */
const SPIN_MS = 2;

/** Bytes of one column tile of C (GEMM_COLS float32 columns): the unit the helpers split. */
const TILE_BYTES = GEMM_COLS * 4;

/** How long the caller polls for a helper to finish before it sleeps. */
const FINISH_SPIN_MS = 0.5;

/** Word 0 of the shared block: the next column tile to take. */
const NEXT_TILE = 0;

export interface SpawnedHelper {
  /** Hands the helper a compiled module to instantiate as function `index` before its next job. */
  send(index: number, module: WebAssembly.Module): void;
  terminate(): void;
}

/**
 * Starts one helper thread over `memory`. It runs `HELPER_LOOP` with `shared` (the SharedArrayBuffer of
 * the counter and every control block) and `base` (the word where its own control block starts).
 */
export type SpawnHelper = (
  memory: WebAssembly.Memory,
  shared: SharedArrayBuffer,
  base: number,
) => SpawnedHelper;

/**
 * The helper's program, as source text for a worker that defines `memory`, `shared`, `base` and
 * `receive()` (the next message from the caller, or undefined): wait, take chunks, report, repeat.
 */
export const HELPER_LOOP = `
const all = new Int32Array(shared);
const c = new Int32Array(shared, base * 4, ${CONTROL.words});
const fns = [];
let seen = 0;
Atomics.store(c, ${CONTROL.started}, 1);
for (;;) {
  // Spin a while before sleeping: a training step calls GEMMs a fraction of a millisecond apart, and
  // waking a sleeping thread (on a VM, its idle vCPU too) took longer than the GEMM share it runs.
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(c, ${CONTROL.job}) === seen && performance.now() < until) {
    for (let spin = 0; spin < 256 && Atomics.load(c, ${CONTROL.job}) === seen; spin++);
  }
  while (Atomics.load(c, ${CONTROL.job}) === seen) Atomics.wait(c, ${CONTROL.job}, seen);
  seen = Atomics.load(c, ${CONTROL.job});
  const fn = c[${CONTROL.fn}];
  if (fn < 0) break;
  for (let m = receive(); m; m = receive()) {
    fns[m.index] = new WebAssembly.Instance(m.module, { env: { memory } }).exports.gemm;
  }
  try {
    const f = fns[fn];
    const a = ${CONTROL.args};
    const tiles = c[${CONTROL.tiles}];
    const parts = c[${CONTROL.parts}];
    for (;;) {
      const next = Atomics.load(all, ${NEXT_TILE});
      if (next >= tiles) break;
      const take = Math.max(1, Math.floor((tiles - next) / parts));
      if (Atomics.compareExchange(all, ${NEXT_TILE}, next, next + take) !== next) continue;
      f(c[a], c[a + 1], c[a + 2], c[a + 3], next * ${TILE_BYTES}, (next + take) * ${TILE_BYTES}, 0);
    }
    c[${CONTROL.status}] = 0;
  } catch {
    c[${CONTROL.status}] = 1;
  }
  Atomics.store(c, ${CONTROL.done}, seen);
  Atomics.notify(c, ${CONTROL.done});
}
`;

/** How long a job may take before the helper is given up (the first job also waits for it to boot). */
const STALL_MS = 10_000;

interface Helper {
  readonly spawned: SpawnedHelper;
  readonly control: Int32Array;
  readonly known: Set<number>;
  job: number;
}

/** A function the helpers can run: its module (sent once per helper) and its index among them. */
export interface SharedFunction {
  readonly module: WebAssembly.Module;
  readonly index: number;
}

export class KernelWorkers {
  private readonly helpers: Helper[] = [];
  private readonly all: Int32Array;

  constructor(count: number, memory: WebAssembly.Memory, spawn: SpawnHelper) {
    const shared = new SharedArrayBuffer((count + 1) * CONTROL.words * 4);
    this.all = new Int32Array(shared);
    for (let i = 0; i < count; i++) {
      const base = (i + 1) * CONTROL.words;
      this.helpers.push({
        spawned: spawn(memory, shared, base),
        control: new Int32Array(shared, base * 4, CONTROL.words),
        known: new Set(),
        job: 0,
      });
    }
  }

  get size(): number {
    return this.helpers.length;
  }

  /**
   * Runs `run(jb0, jb1)` (a column-tile range in bytes) over `tiles` tiles on the calling thread and
   * every helper, each taking the next chunk (what is left ÷ `parts`, at least one tile) until none are
   * left; the helpers call `fn(pointers…, jb0, jb1, 0)`. Returns 'ok', 'trap' (a helper's call trapped)
   * or 'stalled' (a helper never started or stopped answering: stop using the helpers).
   */
  parallel(
    fn: SharedFunction,
    pointers: readonly [number, number, number, number],
    tiles: number,
    run: (jb0: number, jb1: number) => void,
  ): 'ok' | 'trap' | 'stalled' {
    const parts = 2 * (this.helpers.length + 1);
    Atomics.store(this.all, NEXT_TILE, 0);
    for (const helper of this.helpers) {
      if (!helper.known.has(fn.index)) {
        helper.spawned.send(fn.index, fn.module);
        helper.known.add(fn.index);
      }
      const c = helper.control;
      c[CONTROL.fn] = fn.index;
      for (let i = 0; i < 4; i++) c[CONTROL.args + i] = pointers[i];
      c[CONTROL.tiles] = tiles;
      c[CONTROL.parts] = parts;
      helper.job = (helper.job + 1) | 0;
      Atomics.store(c, CONTROL.job, helper.job);
      Atomics.notify(c, CONTROL.job);
    }
    for (;;) {
      const next = Atomics.load(this.all, NEXT_TILE);
      if (next >= tiles) break;
      const take = Math.max(1, Math.floor((tiles - next) / parts));
      if (Atomics.compareExchange(this.all, NEXT_TILE, next, next + take) !== next) continue;
      run(next * TILE_BYTES, (next + take) * TILE_BYTES);
    }
    let result: 'ok' | 'trap' | 'stalled' = 'ok';
    for (const helper of this.helpers) {
      const r = this.finish(helper);
      if (r === 'stalled') result = 'stalled';
      else if (r === 'trap' && result === 'ok') result = 'trap';
    }
    return result;
  }

  private finish(helper: Helper): 'ok' | 'trap' | 'stalled' {
    const c = helper.control;
    // The helper is at most a tile behind: poll for a bounded time (a futex wake of this thread costs
    // more than that tile on a VM), then sleep, so that on a busy machine a helper sharing this core
    // is not starved for long.
    const spinUntil = performance.now() + FINISH_SPIN_MS;
    while (Atomics.load(c, CONTROL.done) !== helper.job && performance.now() < spinUntil) {
      for (let spin = 0; spin < 256 && Atomics.load(c, CONTROL.done) !== helper.job; spin++);
    }
    const deadline = performance.now() + STALL_MS;
    while (Atomics.load(c, CONTROL.done) !== helper.job) {
      if (performance.now() > deadline) return 'stalled';
      Atomics.wait(c, CONTROL.done, Atomics.load(c, CONTROL.done), 50);
    }
    return c[CONTROL.status] === 0 ? 'ok' : 'trap';
  }

  terminate(): void {
    for (const helper of this.helpers) {
      helper.control[CONTROL.fn] = -1;
      helper.job = (helper.job + 1) | 0;
      Atomics.store(helper.control, CONTROL.job, helper.job);
      Atomics.notify(helper.control, CONTROL.job);
      helper.spawned.terminate();
    }
    this.helpers.length = 0;
  }
}
