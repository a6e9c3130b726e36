/**
 * A worker's life: wait for a job, claim and run its tasks until none are left, wait again, until told to
 * stop. It blocks in `Atomics.wait` between jobs and never returns to its event loop, so the main thread
 * talks to it through shared memory only.
 */
import {
  ARENA_BYTES,
  CLAIM,
  controlViews,
  DONE,
  FAILED,
  GEN,
  jobTag,
  runTask,
  STARTED_FLAGS,
  STOP,
  TAG_SHIFT,
  TASKS,
  WORKER_TASKS,
} from './protocol.js';

/** What the workers of a pool share. */
export interface SharedMemory {
  readonly control: SharedArrayBuffer;
  readonly arena: SharedArrayBuffer;
}

/** What one worker is started with: the shared memory and its index in the pool. */
export interface WorkerData extends SharedMemory {
  readonly index: number;
}

export function serveJobs({ control, arena, index }: WorkerData): void {
  const { ctrl, desc } = controlViews(control);
  let f32: Float32Array = new Float32Array(0);
  let f64: Float64Array = new Float64Array(0);
  Atomics.store(ctrl, STARTED_FLAGS + index, 1);
  for (;;) {
    const gen = Atomics.load(ctrl, GEN);
    if (Atomics.load(ctrl, STOP) !== 0) return;
    // Reads of the descriptor may be stale if this job is already over; the tagged claim then fails.
    const tasks = desc[TASKS];
    const tag = jobTag(gen);
    for (;;) {
      const claim = Atomics.load(ctrl, CLAIM);
      const task = claim & ((1 << TAG_SHIFT) - 1);
      if (claim >>> TAG_SHIFT !== tag || task >= tasks) break;
      if (Atomics.compareExchange(ctrl, CLAIM, claim, claim + 1) !== claim) continue;
      if (f32.byteLength < desc[ARENA_BYTES]) {
        // The arena grew since this worker last looked: views over its current length.
        f32 = new Float32Array(arena, 0, arena.byteLength >> 2);
        f64 = new Float64Array(arena, 0, arena.byteLength >> 3);
      }
      try {
        runTask(desc, task, f32, f64);
      } catch {
        Atomics.add(ctrl, FAILED, 1);
      }
      Atomics.add(ctrl, WORKER_TASKS, 1);
      if (Atomics.add(ctrl, DONE, 1) + 1 === tasks) Atomics.notify(ctrl, DONE);
    }
    Atomics.wait(ctrl, GEN, gen);
  }
}
