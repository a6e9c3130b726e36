/**
 * The main thread's side of the pool: workers started on demand, the shared control block and arena, and
 * `run`, which posts a job, does its own share of the tasks and blocks until the workers have finished
 * theirs. Blocking is what keeps the kernels synchronous; it is allowed on Node's main thread and in
 * browser workers, not on a browser's main thread.
 *
 * Tasks are claimed, not assigned: a worker that has not started yet (they start asynchronously) or is
 * descheduled simply claims fewer, and the main thread never waits for a worker that has claimed nothing.
 */
import {
  ARENA_BYTES,
  CLAIM,
  CONTROL_BYTES,
  controlViews,
  DONE,
  FAILED,
  GEN,
  jobTag,
  MAX_TASKS,
  MAX_WORKERS,
  runTask,
  STARTED_FLAGS,
  STOP,
  TAG_SHIFT,
  TASKS,
  WORKER_TASKS,
} from './protocol.js';
import type { SharedMemory } from './worker-loop.js';

/** A started worker, as the pool needs it. */
export interface WorkerHandle {
  terminate(): void;
}

/**
 * Starts `count` workers, worker `i` running `serveJobs({ ...shared, index: i })`; `onExit` is called
 * once for each worker that ends, with the error that ended it if any.
 */
export type SpawnWorkers = (
  count: number,
  shared: SharedMemory,
  onExit: (index: number, error?: unknown) => void,
) => WorkerHandle[];

/** Largest arena tried: jobs that need more run on one thread. */
const ARENA_MAX_BYTES = [2 ** 32, 2 ** 30, 2 ** 28];

interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  readonly maxByteLength: number;
  grow(byteLength: number): void;
}

export interface PoolStats {
  /** Workers that have started and not ended. */
  readonly workersRunning: number;
  /** Jobs run across threads. */
  readonly jobs: number;
  /** Tasks of those jobs that workers ran (the rest ran on the main thread). */
  readonly tasksOnWorkers: number;
  /** Size of the shared arena: the largest job's operands so far (it never shrinks). */
  readonly arenaBytes: number;
}

export class ThreadPool {
  private readonly ctrl: Int32Array;
  /** The descriptor of the next job; fill it, then `run`. */
  readonly desc: Float64Array;
  private readonly arena: GrowableSharedArrayBuffer;
  /** The arena as float32 (operands) and float64 (tables); re-created when it grows. */
  f32: Float32Array = new Float32Array(0);
  f64: Float64Array = new Float64Array(0);
  private readonly handles: WorkerHandle[];
  private readonly exited: boolean[];
  private jobs = 0;
  private terminated = false;
  /** Why the pool stopped being used, once it has. */
  failure: string | null = null;

  /** Throws where shared memory cannot be had; `spawn` may start the workers asynchronously. */
  constructor(
    readonly workers: number,
    spawn: SpawnWorkers,
  ) {
    if (workers > MAX_WORKERS) throw new Error(`at most ${MAX_WORKERS} workers, asked for ${workers}`);
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    ({ ctrl: this.ctrl, desc: this.desc } = controlViews(control));
    this.arena = growableSharedBuffer();
    this.exited = new Array<boolean>(workers).fill(false);
    this.handles = spawn(workers, { control, arena: this.arena }, (index, error) => {
      this.exited[index] = true;
      if (error !== undefined && !this.terminated) this.failure ??= `a worker failed: ${describe(error)}`;
    });
  }

  /** Grows the arena to at least `bytes`; false where it cannot grow that far. */
  reserve(bytes: number): boolean {
    if (bytes > this.arena.maxByteLength) return false;
    if (this.arena.byteLength < bytes) {
      // Grow geometrically, so a sequence of slightly larger jobs does not grow it every time.
      try {
        this.arena.grow(Math.min(this.arena.maxByteLength, Math.max(bytes, 2 * this.arena.byteLength)));
      } catch {
        return false; // out of memory: this op runs on one thread
      }
    }
    if (this.f32.byteLength < this.arena.byteLength) {
      this.f32 = new Float32Array(this.arena, 0, this.arena.byteLength >> 2);
      this.f64 = new Float64Array(this.arena, 0, this.arena.byteLength >> 3);
    }
    return true;
  }

  /**
   * Runs the `tasks` tasks of the job in `desc` (operands already in the arena) on this thread and the
   * workers; returns once all are done. False if a task threw: its output is then incomplete and the
   * caller recomputes it on one thread (and the pool is retired).
   */
  run(tasks: number): boolean {
    if (tasks > MAX_TASKS) throw new Error(`backend-cpu: a job of ${tasks} tasks (at most ${MAX_TASKS})`);
    const { ctrl, desc } = this;
    const failedBefore = Atomics.load(ctrl, FAILED);
    desc[TASKS] = tasks;
    desc[ARENA_BYTES] = this.f32.byteLength;
    const gen = Atomics.load(ctrl, GEN) + 1;
    const tag = jobTag(gen);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, CLAIM, tag << TAG_SHIFT);
    Atomics.store(ctrl, GEN, gen);
    Atomics.notify(ctrl, GEN);
    this.jobs++;
    // This thread's share: claim like any worker.
    for (;;) {
      const claim = Atomics.load(ctrl, CLAIM);
      const task = claim & MAX_TASKS;
      if (task >= tasks) break;
      if (Atomics.compareExchange(ctrl, CLAIM, claim, claim + 1) !== claim) continue;
      try {
        runTask(desc, task, this.f32, this.f64);
      } catch {
        Atomics.add(ctrl, FAILED, 1);
      }
      Atomics.add(ctrl, DONE, 1);
    }
    for (let done = Atomics.load(ctrl, DONE); done < tasks; done = Atomics.load(ctrl, DONE)) {
      Atomics.wait(ctrl, DONE, done);
    }
    // Close the job: a worker that wakes only now must not claim (the index stays at MAX_TASKS).
    Atomics.store(ctrl, CLAIM, (tag << TAG_SHIFT) | MAX_TASKS);
    if (Atomics.load(ctrl, FAILED) === failedBefore) return true;
    this.failure ??= 'a task threw on a worker thread';
    return false;
  }

  stats(): PoolStats {
    return {
      workersRunning: this.exited.filter(
        (exited, i) => !exited && Atomics.load(this.ctrl, STARTED_FLAGS + i) === 1,
      ).length,
      jobs: this.jobs,
      tasksOnWorkers: Atomics.load(this.ctrl, WORKER_TASKS),
      arenaBytes: this.arena.byteLength,
    };
  }

  /** Stops the workers; the pool is unusable afterwards. */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    for (const h of this.handles) h.terminate();
  }
}

function growableSharedBuffer(): GrowableSharedArrayBuffer {
  const Ctor = SharedArrayBuffer as unknown as new (
    bytes: number,
    options: { maxByteLength: number },
  ) => GrowableSharedArrayBuffer;
  let error: unknown;
  for (const maxByteLength of ARENA_MAX_BYTES) {
    try {
      const buffer = new Ctor(0, { maxByteLength });
      if (typeof buffer.grow === 'function') return buffer;
      error = new Error('SharedArrayBuffer cannot grow here');
    } catch (e) {
      error = e; // address space too tight for this reservation: try a smaller one
    }
  }
  throw error;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
