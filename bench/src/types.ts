/** What a workload is to the runner: cases, each with one implementation per library. */
import type { Unit } from './metric.js';
import type { StepProfile } from './profile.js';

/** One prepared benchmark on one peer: `run` does a step and reads a value back; `dispose` frees it all. */
export interface Step {
  run(): Promise<number>;
  dispose(): void;
}

export interface Implementations {
  dendrite(): Step;
  /** Shared by tfjs-cpu and tfjs-wasm: the adapter has already switched the tfjs backend. */
  tfjs(): Step;
  /** jax-js on its wasm device; only the workloads that jax-js is measured on have one. */
  jax?(): Step;
}

export interface BenchCase {
  /** e.g. 'N=512'; empty when the workload has one case. */
  readonly label: string;
  /**
   * Work per iteration: for a rate the metric is `work / seconds` (GFLOP, samples or images per step),
   * for a time per op it is `µs / work` (ops per step).
   */
  readonly work: number;
  /**
   * Useful GFLOP per iteration of a training (or inference) case, counted from the model (`flops.ts`),
   * for the utilisation column; absent for W1, W2 (already GFLOPS) and W10. A function, since counting
   * may build the model, which needs a backend.
   */
  readonly gflop?: () => number;
  /**
   * Run every peer of this case in a worker thread of its own, so that a step past the plan's
   * `stepDeadlineMs` can be stopped (synchronous kernels cannot be interrupted on the main thread). For
   * cases where some peer needs minutes per step.
   */
  readonly isolate?: boolean;
  /** Makes the case's seeded data, shared by every peer; called again inside an isolated case's worker. */
  prepare(): Implementations;
}

export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly cases: readonly BenchCase[];
}

export type PeerId =
  | 'dendrite-cpu'
  | 'dendrite-wasm-1t'
  | 'dendrite-wasm'
  | 'dendrite-webgpu'
  | 'tfjs-cpu'
  | 'tfjs-wasm'
  | 'jax-js'
  | 'torch-native';
export const PEER_IDS: readonly PeerId[] = [
  'dendrite-cpu',
  'dendrite-wasm-1t',
  'dendrite-wasm',
  'dendrite-webgpu',
  'tfjs-cpu',
  'tfjs-wasm',
  'jax-js',
  'torch-native',
];

/** A library on one backend, as the runner sees it. */
export interface Peer {
  readonly id: PeerId;
  readonly library: 'dendrite' | 'tfjs' | 'jax-js' | 'torch';
  /** Library and version, for the report. */
  readonly version: string;
  /** Makes this peer's backend the current one; called before each case, since peers alternate. */
  activate(): Promise<void>;
  /** Live tensor count, which must stay flat across iterations. */
  liveTensors(): number;
  /**
   * `--profile` (Dendrite peers): runs `steps` steps of a fresh `build()` on the backend wrapped by
   * `profile.ts` and says where their time went.
   */
  profileSteps?(build: () => Step, steps: number): Promise<StepProfile>;
}
