/**
 * Whether a shaped kernel (EmittedKernels.shareShaped) runs with the helper threads or on the calling
 * thread alone, chosen per kernel by timing both, as the thread gate does for XNNPACK's pool
 * (runtime/thread-gate.ts): on a machine whose two cores are busy with other processes, a helper that
 * took a block is often not scheduled and the caller waits for it. Measured on LeNet-5's conv2 filter
 * gradient with the load average at 4-7 on 2 cores: 3.2 ms with the helper against 2.2 alone; quiet, the
 * helper halves it. The kernels split their work into blocks fixed by the shape, so either way gives
 * the same bits.
 */

/** Weight of the newest time in a choice's running average. */
const AVERAGE_WEIGHT = 0.25;
/**
 * Every this many calls of one kernel, the choice that looks slower is timed again (the load changes).
 * Rarer than the thread gate's 16: a retried share that meets an unscheduled helper can stall for a
 * time slice (several ms on a loaded VM), which every 16th call made cost more than the share saved
 * (LeNet-5 on 2 threads, load average 6: 40.8 ms per step against 35.1 with the caller alone).
 */
const RETRY_EVERY = 64;
/** Sharing is kept only while clearly faster than the caller alone (timings on a busy machine scatter). */
const SHARED_MARGIN = 0.9;

interface Cost {
  shared: number;
  alone: number;
  calls: number;
}

export class HelperChoice {
  private readonly costs = new Map<string, Cost>();

  /**
   * Runs `shared` or `alone` for kernel `key`: the first call shared and untimed (it sends the module
   * to the helpers), the next four alternating and timed, then the faster (shared only by
   * SHARED_MARGIN), the other every RETRY_EVERY calls.
   */
  run(key: string, shared: () => void, alone: () => void): void {
    let cost = this.costs.get(key);
    if (cost === undefined) {
      cost = { shared: Number.NaN, alone: Number.NaN, calls: 0 };
      this.costs.set(key, cost);
    }
    const n = cost.calls++;
    if (n === 0) {
      shared();
      return;
    }
    const faster = cost.shared < SHARED_MARGIN * cost.alone ? 'shared' : 'alone';
    const useShared = n < 5 ? n % 2 === 1 : n % RETRY_EVERY === 0 ? faster !== 'shared' : faster === 'shared';
    const start = performance.now();
    if (useShared) shared();
    else alone();
    const ms = performance.now() - start;
    const side = useShared ? 'shared' : 'alone';
    cost[side] = Number.isNaN(cost[side]) ? ms : cost[side] + AVERAGE_WEIGHT * (ms - cost[side]);
  }
}
