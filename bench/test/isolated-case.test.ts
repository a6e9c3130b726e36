import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Measurement, QUICK_PLAN, type StepEvent } from '../src/harness.js';
import {
  type CaseServices,
  serveCase,
  superviseCase,
  type WorkerLike,
  type WorkerMessage,
} from '../src/isolated-case.js';
import type { Peer, Step, Workload } from '../src/types.js';

/** A worker the test drives by hand. */
class FakeWorker extends EventEmitter implements WorkerLike {
  terminated = 0;
  terminate(): Promise<number> {
    this.terminated++;
    return Promise.resolve(1);
  }
  send(message: WorkerMessage): void {
    this.emit('message', message);
  }
  step(event: StepEvent): void {
    this.send({ type: 'step', event });
  }
}

const measurement = { medianMs: 5, firstValue: 1 } as Measurement;

describe('superviseCase', () => {
  let clock = 0;
  const now = () => clock;
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };
  beforeEach(() => {
    clock = 0;
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes a measurement through and terminates the worker', async () => {
    const w = new FakeWorker();
    const outcome = superviseCase(w, 1000, now);
    w.step({ kind: 'start', phase: 'warm-up', index: 1 });
    advance(900);
    w.step({ kind: 'end', phase: 'warm-up', index: 1, ms: 900, value: 2 });
    w.send({ type: 'measured', measurement });
    await expect(outcome).resolves.toEqual({ kind: 'measured', measurement });
    expect(w.terminated).toBe(1);
  });

  it('stops the step still running at the deadline, keeping the steps that finished', async () => {
    const w = new FakeWorker();
    const outcome = superviseCase(w, 1000, now);
    w.step({ kind: 'start', phase: 'warm-up', index: 1 });
    advance(400);
    w.step({ kind: 'end', phase: 'warm-up', index: 1, ms: 400, value: 2.5 });
    w.step({ kind: 'start', phase: 'timed', index: 1 });
    advance(999);
    expect(w.terminated).toBe(0);
    advance(1);
    await expect(outcome).resolves.toEqual({
      kind: 'stopped',
      phase: 'timed',
      index: 1,
      elapsedMs: 1000,
      deadlineMs: 1000,
      completed: [{ phase: 'warm-up', index: 1, ms: 400, value: 2.5 }],
    });
    expect(w.terminated).toBe(1);
  });

  it('times each step on its own: many short steps are never stopped', async () => {
    const w = new FakeWorker();
    const outcome = superviseCase(w, 1000, now);
    for (let i = 1; i <= 5; i++) {
      w.step({ kind: 'start', phase: 'timed', index: i });
      advance(800);
      w.step({ kind: 'end', phase: 'timed', index: i, ms: 800, value: 0 });
      advance(800); // between steps (the leak probe, say): not a step, not timed
    }
    w.send({ type: 'measured', measurement });
    await expect(outcome).resolves.toMatchObject({ kind: 'measured' });
  });

  it("reports the worker's failure, crash or silent exit as a failure", async () => {
    const failed = new FakeWorker();
    const a = superviseCase(failed, 1000, now);
    failed.send({ type: 'failed', message: "Kernel 'Conv2DBackpropFilter' not registered" });
    await expect(a).resolves.toEqual({
      kind: 'failed',
      message: "Kernel 'Conv2DBackpropFilter' not registered",
    });

    const crashed = new FakeWorker();
    const b = superviseCase(crashed, 1000, now);
    crashed.emit('error', new Error('out of memory'));
    await expect(b).resolves.toEqual({ kind: 'failed', message: 'out of memory' });

    const exited = new FakeWorker();
    const c = superviseCase(exited, 1000, now);
    exited.emit('exit', 3);
    await expect(c).resolves.toMatchObject({ kind: 'failed', message: expect.stringContaining('code 3') });
  });
});

describe('superviseCase with a real worker', () => {
  it('stops a step stuck in synchronous code', async () => {
    // What tfjs-cpu does for minutes in a conv net's backward pass: a loop nothing else on its thread
    // can interrupt.
    const code = `
      const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ type: 'step', event: { kind: 'start', phase: 'warm-up', index: 1 } });
      for (;;) {}
    `;
    const started = performance.now();
    const outcome = await superviseCase(new Worker(code, { eval: true }), 200);
    expect(outcome).toMatchObject({ kind: 'stopped', phase: 'warm-up', index: 1, completed: [] });
    expect((outcome as { elapsedMs: number }).elapsedMs).toBeGreaterThanOrEqual(199);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('serveCase', () => {
  const peer: Peer = {
    id: 'dendrite-cpu',
    library: 'dendrite',
    version: 'test',
    activate: async () => {},
    liveTensors: () => 3,
  };

  function services(step: () => Step): CaseServices {
    const workload: Workload = {
      id: 'W0',
      title: 'test',
      unit: 'samples/s',
      cases: [{ label: '', work: 1, prepare: () => ({ dendrite: step, tfjs: step }) }],
    };
    return {
      workloads: [workload],
      createPeer: async () => peer,
      implementationFor: (impl) => () => impl.dendrite(),
    };
  }

  it('posts every step, then the measurement, and frees the step', async () => {
    const posted: WorkerMessage[] = [];
    let disposed = false;
    let value = 0;
    const plan = { ...QUICK_PLAN, warmup: 1, minIterations: 2 };
    await serveCase({ workload: 'W0', caseIndex: 0, peer: 'dendrite-cpu', plan }, (m) => posted.push(m), {
      ...services(() => ({
        run: async () => ++value,
        dispose: () => {
          disposed = true;
        },
      })),
    });
    expect(posted.map((m) => (m.type === 'step' ? `${m.event.kind} ${m.event.phase}` : m.type))).toEqual([
      'start warm-up',
      'end warm-up',
      'start timed',
      'end timed',
      'start timed',
      'end timed',
      'measured',
    ]);
    const last = posted.at(-1) as Extract<WorkerMessage, { type: 'measured' }>;
    expect(last.measurement).toMatchObject({
      iterations: 2,
      firstValue: 1,
      lastValue: 3,
      liveTensors: [3, 3],
    });
    expect(disposed).toBe(true);
  });

  it("posts a failing step's error", async () => {
    const posted: WorkerMessage[] = [];
    const failing = services(() => ({
      run: () => Promise.reject(new Error("Kernel 'Conv2DBackpropFilter' not registered")),
      dispose: () => {},
    }));
    await serveCase(
      { workload: 'W0', caseIndex: 0, peer: 'dendrite-cpu', plan: QUICK_PLAN },
      (m) => posted.push(m),
      failing,
    );
    expect(posted.at(-1)).toEqual({
      type: 'failed',
      message: "Kernel 'Conv2DBackpropFilter' not registered",
    });
  });
});
