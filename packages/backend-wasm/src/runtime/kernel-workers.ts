/**
 * Helper threads for the kernels Dendrite emits (the threaded build's heap is a SharedArrayBuffer, so a
 * worker that instantiates an emitted module over the same memory computes in place). XNNPACK's own pool
 * belongs to the C side and cannot run our code; these helpers share an emitted GEMM's column tiles with
 * the calling thread.
 *
 * Work is handed out dynamically, in shrinking chunks (guided self-scheduling): every participant takes
 * a share of the column tiles still left from a shared atomic counter, big chunks first and single tiles
 * at the end, so the threads finish within a tile of each other. A call is a few words in a shared
 * control block and an `Atomics.notify`, not a message: helpers sleep in `Atomics.wait`, so waking one
 * costs a futex wake, not an event-loop turn.
 *
 * The caller never waits for a helper that has not joined: on a busy machine (2 cores, many processes)
 * a woken helper is often not scheduled for milliseconds, and waiting for it to acknowledge each job
 * made two threads slower than one on LeNet-5 (the conv filter gradient's 1.2 M-MAC GEMMs: 86-141 ms
 * against 20-43 ms per step on one thread). So the counter carries the job's generation and is closed
 * when the caller has taken the last tile; a helper that wakes late finds the counter closed or of a
 * newer generation and takes nothing, and the caller waits only for helpers counted in `ACTIVE` (inside
 * a chunk). A helper reads a job's arguments only after it has seen that job's generation in the
 * counter, and its compare-and-swap succeeds only while that job is open, so it never mixes two jobs.
 *
 * Platform-neutral: the platform supplies `spawn` (Node: worker_threads).
 */

import { GEMM_COLS } from '../codegen/gemm.js';

/** Words of one helper's control block (Int32Array); the block of helper i starts at word 16·(i + 1). */
export const CONTROL = {
  /** Bumped by the caller for each job (and for exit). */
  job: 0,
  /** Index of the function to run, or -1 to exit. */
  fn: 2,
  /** The function's first four i32 arguments (pointers). */
  args: 4,
  /** Column tiles in all, and the divisor of what remains that sizes the next chunk. */
  tiles: 8,
  parts: 9,
  /** Set to 1 by the helper once its thread runs. */
  started: 11,
  words: 16,
} as const;

/** Word 0 of the shared block: the job's generation (bits 20…30) and the next column tile to take. */
const COUNTER = 0;
/** Word 1: helpers inside a job (between joining and finishing their chunks). */
const ACTIVE = 1;
/** Word 2: set to 1 when a helper's call trapped. */
const TRAPPED = 2;
/** The counter's tile bits; a job with more tiles runs on the calling thread alone. */
const TILE_BITS = 20;
const TILE_MASK = (1 << TILE_BITS) - 1;
/** Generations wrap at 2^11 (bits 20…30); a closed counter (-1) matches none. */
const GENERATION_MASK = 0x7ff;
const CLOSED = -1;

/** How long an idle helper keeps polling for the next job before it sleeps in `Atomics.wait`. */
const SPIN_MS = 2;

/** Bytes of one column tile of C (GEMM_COLS float32 columns): the unit the helpers split. */
const TILE_BYTES = GEMM_COLS * 4;

/** How long the caller polls for a helper to finish before it sleeps. */
const FINISH_SPIN_MS = 0.5;

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
  // Spin a short while before sleeping: a training step calls GEMMs a fraction of a millisecond apart.
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(c, ${CONTROL.job}) === seen && performance.now() < until) {
    for (let spin = 0; spin < 256 && Atomics.load(c, ${CONTROL.job}) === seen; spin++);
  }
  while (Atomics.load(c, ${CONTROL.job}) === seen) Atomics.wait(c, ${CONTROL.job}, seen);
  seen = Atomics.load(c, ${CONTROL.job});
  if (c[${CONTROL.fn}] < 0) break;
  for (let m = receive(); m; m = receive()) {
    fns[m.index] = new WebAssembly.Instance(m.module, { env: { memory } }).exports.gemm;
  }
  const generation = seen & ${GENERATION_MASK};
  Atomics.add(all, ${ACTIVE}, 1);
  try {
    for (;;) {
      const cur = Atomics.load(all, ${COUNTER});
      if (cur >>> ${TILE_BITS} !== generation) break;
      // Read after the counter showed this job: the caller writes them before it opens the counter.
      const tiles = c[${CONTROL.tiles}];
      const next = cur & ${TILE_MASK};
      if (next >= tiles) break;
      let f = fns[c[${CONTROL.fn}]];
      if (f === undefined) {
        // A job newer than the one this helper woke for (generations wrap): its module came since.
        for (let m = receive(); m; m = receive()) {
          fns[m.index] = new WebAssembly.Instance(m.module, { env: { memory } }).exports.gemm;
        }
        f = fns[c[${CONTROL.fn}]];
        if (f === undefined) break;
      }
      const a = ${CONTROL.args};
      const pa = c[a], pb = c[a + 1], pc = c[a + 2], pd = c[a + 3];
      const take = Math.max(1, Math.floor((tiles - next) / c[${CONTROL.parts}]));
      if (Atomics.compareExchange(all, ${COUNTER}, cur, cur + take) !== cur) continue;
      f(pa, pb, pc, pd, next * ${TILE_BYTES}, (next + take) * ${TILE_BYTES}, 0);
    }
  } catch {
    Atomics.store(all, ${TRAPPED}, 1);
  }
  Atomics.sub(all, ${ACTIVE}, 1);
  Atomics.notify(all, ${ACTIVE});
}
`;

/** How long the helpers inside a job may take before they are given up. */
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
  private generation = 0;

  constructor(count: number, memory: WebAssembly.Memory, spawn: SpawnHelper) {
    const shared = new SharedArrayBuffer((count + 1) * CONTROL.words * 4);
    this.all = new Int32Array(shared);
    this.all[COUNTER] = CLOSED;
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
   * every helper that joins in time, each taking the next chunk (what is left ÷ `parts`, at least one
   * tile) until none are left; the helpers call `fn(pointers…, jb0, jb1, 0)`. Returns 'ok', 'trap' (a
   * helper's call trapped) or 'stalled' (a helper stopped answering inside a chunk: stop using them).
   */
  parallel(
    fn: SharedFunction,
    pointers: readonly [number, number, number, number],
    tiles: number,
    run: (jb0: number, jb1: number) => void,
  ): 'ok' | 'trap' | 'stalled' {
    if (tiles > TILE_MASK) {
      run(0, tiles * TILE_BYTES);
      return 'ok';
    }
    const parts = 2 * (this.helpers.length + 1);
    this.generation = (this.generation + 1) & GENERATION_MASK;
    const open = this.generation << TILE_BITS;
    Atomics.store(this.all, TRAPPED, 0);
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
    }
    // Opened after the arguments are written: a helper that sees this generation reads this job's.
    Atomics.store(this.all, COUNTER, open);
    for (const helper of this.helpers) {
      helper.job = (helper.job + 1) | 0;
      Atomics.store(helper.control, CONTROL.job, helper.job);
      Atomics.notify(helper.control, CONTROL.job);
    }
    for (;;) {
      const cur = Atomics.load(this.all, COUNTER);
      const next = cur & TILE_MASK;
      if (next >= tiles) break;
      const take = Math.max(1, Math.floor((tiles - next) / parts));
      if (Atomics.compareExchange(this.all, COUNTER, cur, cur + take) !== cur) continue;
      run(next * TILE_BYTES, (next + take) * TILE_BYTES);
    }
    // Every tile is taken: close the job, so a helper that wakes from now on takes nothing, and wait
    // only for those still inside a chunk.
    Atomics.store(this.all, COUNTER, CLOSED);
    if (!this.drain()) return 'stalled';
    return Atomics.load(this.all, TRAPPED) === 0 ? 'ok' : 'trap';
  }

  /** Waits until no helper is inside a job; false if one stays inside for STALL_MS. */
  private drain(): boolean {
    // A helper inside is at most a chunk behind: poll for a bounded time (a futex wake of this thread
    // costs more than a tile on a VM), then sleep, so that a helper sharing this core is not starved.
    const spinUntil = performance.now() + FINISH_SPIN_MS;
    while (Atomics.load(this.all, ACTIVE) !== 0 && performance.now() < spinUntil) {
      for (let spin = 0; spin < 256 && Atomics.load(this.all, ACTIVE) !== 0; spin++);
    }
    const deadline = performance.now() + STALL_MS;
    for (let active = Atomics.load(this.all, ACTIVE); active !== 0; active = Atomics.load(this.all, ACTIVE)) {
      if (performance.now() > deadline) return false;
      Atomics.wait(this.all, ACTIVE, active, 50);
    }
    return true;
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
