/**
 * Whether a shaped kernel (EmittedKernels.shareShaped) runs with the helper threads or on the calling
 * thread alone, chosen per kernel by timing both (runtime/timed-choice.ts), as the thread gate does for
 * XNNPACK's pool (runtime/thread-gate.ts): on a machine whose two cores are busy with other processes, a
 * helper that took a block is often not scheduled and the caller waits for it. Measured on LeNet-5's
 * conv2 filter gradient with the load average at 4-7 on 2 cores: 3.2 ms with the helper against 2.2
 * alone; quiet, the helper halves it. The kernels split their work into blocks fixed by the shape, so
 * either way gives the same bits. Run as `choice.run(key, shared, alone)`.
 */
import type { TimedChoiceOptions } from '../runtime/timed-choice.js';

export const HELPER_CHOICE: TimedChoiceOptions = {
  /**
   * Rarer than the thread gate's 16: a retried share that meets an unscheduled helper can stall for a
   * time slice (several ms on a loaded VM), which every 16th call made cost more than the share saved
   * (LeNet-5 on 2 threads, load average 6: 40.8 ms per step against 35.1 with the caller alone).
   */
  retryEvery: 64,
  window: 5,
  /** Sharing is kept only while clearly faster than the caller alone (timings on a busy machine scatter). */
  preferred: 'second',
  margin: 0.9,
};
