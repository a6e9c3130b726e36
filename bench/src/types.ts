/** What a workload is to the runner: cases, each with one implementation per library. */

/** One prepared benchmark on one peer: `run` does a step and reads a value back; `dispose` frees it all. */
export interface Step {
  run(): Promise<number>;
  dispose(): void;
}

export interface Implementations {
  dendrite(): Step;
  /** Shared by tfjs-cpu and tfjs-wasm: the adapter has already switched the tfjs backend. */
  tfjs(): Step;
}

export interface BenchCase {
  /** e.g. 'N=512'; empty when the workload has one case. */
  readonly label: string;
  /** Metric units per iteration: the metric is `work / seconds` (GFLOP per step, or samples per step). */
  readonly work: number;
  /** Makes the case's seeded data once, shared by every peer. */
  prepare(): Implementations;
}

export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly unit: 'GFLOPS' | 'samples/s';
  readonly cases: readonly BenchCase[];
}

export type PeerId = 'dendrite-cpu' | 'dendrite-wasm-1t' | 'dendrite-wasm' | 'tfjs-cpu' | 'tfjs-wasm';
export const PEER_IDS: readonly PeerId[] = [
  'dendrite-cpu',
  'dendrite-wasm-1t',
  'dendrite-wasm',
  'tfjs-cpu',
  'tfjs-wasm',
];

/** A library on one backend, as the runner sees it. */
export interface Peer {
  readonly id: PeerId;
  readonly library: 'dendrite' | 'tfjs';
  /** Library and version, for the report. */
  readonly version: string;
  /** Makes this peer's backend the current one; called before each case, since peers alternate. */
  activate(): Promise<void>;
  /** Live tensor count, which must stay flat across iterations. */
  liveTensors(): number;
}
