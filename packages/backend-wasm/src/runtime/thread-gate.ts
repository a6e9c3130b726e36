/**
 * Per-call threading for the threaded build. The C side hands XNNPACK one global pthreadpool, so every
 * operator runs on every thread, however small: waking a sleeping worker costs tens of microseconds,
 * more than a small operator saves (a 64×64 matmul after 1 ms of TypeScript work: 96 µs on 2 threads
 * against 46 µs on 1). XNNPACK runs an operator on the calling thread when that pool is NULL, so the gate
 * writes NULL into the C global for calls below a work threshold and restores it after.
 *
 * The global's address is read from the binary: `get_threads_count` starts by loading it
 * (`i32.const ADDR; i32.load`). The address is then checked against the running instance (NULL makes
 * `get_threads_count` report -1, restoring it reports the pool size); if anything disagrees the gate is
 * off and every call uses the pool, as before.
 *
 * Above the threshold the pool is not always faster either: when the machine's cores are busy with other
 * processes, the pool's worker is often not scheduled and the caller waits for it. So the gate times
 * large calls both ways, per kernel and size, and keeps the faster (see `measured`).
 */
import { TimedChoice, type TimedChoiceOptions } from './timed-choice.js';

/** Estimated multiply-adds (or elements) below which a call runs on the calling thread. */
export const THREAD_WORK_THRESHOLD = 4_000_000;

function leb(bytes: Uint8Array, at: { p: number }): number {
  let result = 0;
  let shift = 0;
  let b: number;
  do {
    b = bytes[at.p++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return result;
}

/** The address `get_threads_count` loads the pool pointer from, or null if the code is not as expected. */
export function findThreadpoolAddress(wasm: Uint8Array): number | null {
  const at = { p: 8 };
  let importedFunctions = 0;
  let exported: number | null = null;
  let code = -1;
  while (at.p < wasm.length) {
    const id = wasm[at.p++];
    const size = leb(wasm, at);
    const end = at.p + size;
    if (id === 2) {
      const n = leb(wasm, at);
      for (let i = 0; i < n; i++) {
        // module and field names (the length must be read before at.p is)
        for (let name = 0; name < 2; name++) {
          const len = leb(wasm, at);
          at.p += len;
        }
        const kind = wasm[at.p++];
        if (kind === 0) {
          leb(wasm, at);
          importedFunctions++;
        } else if (kind === 1) {
          at.p++;
          const flags = leb(wasm, at);
          leb(wasm, at);
          if (flags & 1) leb(wasm, at);
        } else if (kind === 2) {
          const flags = leb(wasm, at);
          leb(wasm, at);
          if (flags & 1) leb(wasm, at);
        } else if (kind === 3) {
          at.p += 2;
        } else {
          return null;
        }
      }
    } else if (id === 7) {
      const n = leb(wasm, at);
      for (let i = 0; i < n; i++) {
        const len = leb(wasm, at);
        const name = new TextDecoder().decode(wasm.subarray(at.p, at.p + len));
        at.p += len;
        const kind = wasm[at.p++];
        const index = leb(wasm, at);
        if (kind === 0 && name === 'get_threads_count') exported = index;
      }
    } else if (id === 10) {
      code = at.p;
    }
    at.p = end;
  }
  if (exported === null || code < 0) return null;
  at.p = code;
  const bodies = leb(wasm, at);
  for (let i = 0; i < bodies; i++) {
    const size = leb(wasm, at);
    const start = at.p;
    if (i + importedFunctions === exported) {
      // locals: 1 group; then i32.const ADDR; i32.load align=2 offset=0
      const locals = leb(wasm, at);
      for (let j = 0; j < locals; j++) {
        leb(wasm, at);
        at.p++;
      }
      if (wasm[at.p++] !== 0x41) return null;
      const address = leb(wasm, at);
      if (wasm[at.p] !== 0x28 || wasm[at.p + 1] !== 0x02 || wasm[at.p + 2] !== 0x00) return null;
      return address;
    }
    at.p = start + size;
  }
  return null;
}

/**
 * How the gate chooses, per kind of call (a kernel, work within a factor of two), between the pool and
 * the calling thread alone. On a machine whose cores are busy with other processes, the pool's worker is
 * often not scheduled and the caller waits for it: two threads then run such a call slower than one
 * (LeNet-5's convolutions: 44 against 24 ms per step). The gate keeps the faster of the two (costs in ns
 * per unit of work, ties to the pool).
 */
const POOL_CHOICE: TimedChoiceOptions = {
  retryEvery: 16,
  window: 5,
  preferred: 'first',
  margin: 1,
};

export class ThreadGate {
  private readonly choice = new TimedChoice(POOL_CHOICE);

  private constructor(
    private readonly heap: () => Int32Array,
    private readonly address: number,
    private readonly pool: number,
  ) {}

  /** A gate for a running threaded instance, or null when the address does not check out. */
  static verify(
    heap: () => Int32Array,
    address: number | null,
    getThreadsCount: () => number,
    threads: number,
  ): ThreadGate | null {
    if (address === null || address % 4 !== 0 || address <= 0) return null;
    const at = address >>> 2;
    const pool = heap()[at];
    if (pool === 0 || getThreadsCount() !== threads) return null;
    heap()[at] = 0;
    const off = getThreadsCount();
    heap()[at] = pool;
    if (off !== -1 || getThreadsCount() !== threads) return null;
    return new ThreadGate(heap, address, pool);
  }

  /**
   * Runs `call` on the calling thread only when `work` is below the threshold; above it, on the pool,
   * after `beforePool` (the kernel helpers stop spinning, so the pool's worker gets the core).
   */
  run<T>(work: number, call: () => T, beforePool?: () => void, kind?: string): T {
    if (work >= THREAD_WORK_THRESHOLD) {
      if (kind !== undefined)
        return this.measured(`${kind}:${Math.round(Math.log2(work))}`, work, call, beforePool);
      beforePool?.();
      return call();
    }
    return this.single(call);
  }

  /**
   * A call above the threshold, on whichever of the pool and the calling thread has been faster for
   * calls of its kind: each is timed three times first (a kind's first call, on the pool, is not: it also
   * compiles and allocates on the C side), then the other one every POOL_CHOICE.retryEvery calls; a way's
   * cost is the median of its latest POOL_CHOICE.window timed calls.
   */
  private measured<T>(key: string, work: number, call: () => T, beforePool?: () => void): T {
    return this.choice.run(
      key,
      () => {
        beforePool?.();
        return call();
      },
      () => this.single(call),
      work,
    );
  }

  /** Runs `call` with the pool pointer NULL: XNNPACK runs it on the calling thread. */
  private single<T>(call: () => T): T {
    const at = this.address >>> 2;
    this.heap()[at] = 0;
    try {
      return call();
    } finally {
      this.heap()[at] = this.pool;
    }
  }
}
