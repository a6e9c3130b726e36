/**
 * One case on one peer in a worker thread of its own, with a deadline per step. Some peers need minutes
 * for one training step of a convolutional net (tfjs-cpu: about 6 min for ResNet-20, more than 10 for
 * DenseNet-40), in synchronous kernels that nothing on their own thread can interrupt; a worker can be
 * terminated. The worker reports each step's start and end; a step still running at the deadline is
 * stopped, which bounds the metric (the step took at least that long) instead of measuring it.
 */
import { Worker } from 'node:worker_threads';
import { type Measurement, measure, type StepEvent, type StepPhase, type TimingPlan } from './harness.js';
import type { Implementations, Peer, PeerId, Step, Workload } from './types.js';

/** What the runner asks a worker to measure (sent as `workerData`, so plain data only). */
export interface CaseJob {
  readonly workload: string;
  readonly caseIndex: number;
  readonly peer: PeerId;
  readonly plan: TimingPlan;
}

export type WorkerMessage =
  | { readonly type: 'step'; readonly event: StepEvent }
  | { readonly type: 'measured'; readonly measurement: Measurement }
  | { readonly type: 'failed'; readonly message: string };

export interface CompletedStep {
  readonly phase: StepPhase;
  readonly index: number;
  readonly ms: number;
  readonly value: number;
}

/** The step that overran the deadline, how long it had run when stopped, and the steps before it. */
export interface StoppedStep {
  readonly phase: StepPhase;
  readonly index: number;
  readonly elapsedMs: number;
  readonly deadlineMs: number;
  readonly completed: readonly CompletedStep[];
}

export type IsolatedOutcome =
  | { readonly kind: 'measured'; readonly measurement: Measurement }
  | { readonly kind: 'failed'; readonly message: string }
  | ({ readonly kind: 'stopped' } & StoppedStep);

/** The part of a `Worker` the supervisor uses (a fake one in tests). */
export interface WorkerLike {
  on(event: 'message', listener: (message: WorkerMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/**
 * Follows a case worker to its outcome: its measurement, its failure, or the step that was still running
 * `deadlineMs` after it started (the worker is then terminated). The worker is terminated in every case
 * once the outcome is known: a thread pool of its backend could otherwise keep it alive.
 */
export function superviseCase(
  worker: WorkerLike,
  deadlineMs: number,
  now: () => number = () => performance.now(),
): Promise<IsolatedOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const completed: CompletedStep[] = [];
    const finish = (outcome: IsolatedOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    worker.on('message', (message) => {
      if (message.type === 'measured') return finish({ kind: 'measured', measurement: message.measurement });
      if (message.type === 'failed') return finish({ kind: 'failed', message: message.message });
      const event = message.event;
      clearTimeout(timer);
      if (event.kind === 'end') {
        completed.push({ phase: event.phase, index: event.index, ms: event.ms, value: event.value });
        return;
      }
      const started = now();
      timer = setTimeout(() => {
        const elapsedMs = now() - started;
        finish({ kind: 'stopped', phase: event.phase, index: event.index, elapsedMs, deadlineMs, completed });
      }, deadlineMs);
    });
    worker.on('error', (error) => finish({ kind: 'failed', message: error.message }));
    worker.on('exit', (code) =>
      finish({ kind: 'failed', message: `the case's worker exited (code ${code}) without a result` }),
    );
  });
}

/** Starts `entry` (the runner's own module) as a case worker for `job` and supervises it. */
export function runIsolatedCase(entry: URL, job: CaseJob): Promise<IsolatedOutcome> {
  const worker = new Worker(entry, { workerData: { caseJob: job } });
  return superviseCase(worker, job.plan.stepDeadlineMs);
}

/** The job a case worker was started with, or undefined on any other thread. */
export function caseJobOf(workerData: unknown): CaseJob | undefined {
  return (workerData as { caseJob?: CaseJob } | null)?.caseJob;
}

/** What a case worker needs from the runner to build what it measures. */
export interface CaseServices {
  readonly workloads: readonly Workload[];
  createPeer(id: PeerId): Promise<Peer>;
  implementationFor(impl: Implementations, peer: Peer): (() => Step) | undefined;
}

/** Inside the worker: measures the job's case on its peer, posting every step and then the outcome. */
export async function serveCase(
  job: CaseJob,
  post: (message: WorkerMessage) => void,
  services: CaseServices,
): Promise<void> {
  let step: Step | undefined;
  try {
    const benchCase = services.workloads.find((w) => w.id === job.workload)?.cases[job.caseIndex];
    if (!benchCase) throw new Error(`no case ${job.caseIndex} of workload ${job.workload}`);
    const peer = await services.createPeer(job.peer);
    await peer.activate();
    const build = services.implementationFor(benchCase.prepare(), peer);
    if (!build) throw new Error(`no ${peer.library} version of ${job.workload}`);
    step = build();
    const s = step;
    const measurement = await measure(() => s.run(), job.plan, {
      liveTensors: () => peer.liveTensors(),
      onStep: (event) => post({ type: 'step', event }),
    });
    post({ type: 'measured', measurement });
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  } finally {
    try {
      step?.dispose();
    } catch {
      // A step that failed half-way may have freed some of its tensors already.
    }
  }
}
