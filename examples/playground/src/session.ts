/**
 * One training session: a model, its Adam optimizer and a data set, on the current backend. Switching the
 * backend mid-session moves the model's state dict and the optimizer's moments to the new backend
 * (`Tensor.to`) and loads them there, so training goes on where it stopped; the losses carry a backend
 * tag, so the curve shows where each backend took over.
 */
import * as d from '@dendrite/core';
import { crossEntropy, type Module, type Sequential } from '@dendrite/layers';
import { Adam } from '@dendrite/optim';
import type { BackendName } from './backends.js';
import type { HostSet } from './datasets.js';
import type { Architecture } from './models.js';

export interface LossPoint {
  readonly step: number;
  readonly loss: number;
  readonly backend: BackendName;
}

/** A layer's output for some inputs: `[n, ...]` on the host. */
export interface Activations {
  readonly layer: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface Predictions {
  /** Class probabilities, `[n, classes]`. */
  readonly probs: Float32Array;
  readonly activations?: Activations;
}

const DIGITS_BATCH = 64;

export class Session {
  readonly losses: LossPoint[] = [];
  private steps = 0;
  private readonly rng: d.Rng;
  private order: Int32Array;
  private cursor = 0;

  private constructor(
    readonly set: HostSet,
    readonly arch: Architecture,
    private model: Sequential,
    private optimizer: Adam,
    public backend: BackendName,
    seed: number,
  ) {
    this.rng = new d.Rng(seed + 1);
    this.order = Int32Array.from({ length: set.n }, (_, i) => i);
  }

  /** A fresh model (seeded) on `backend`, which becomes the current backend. */
  static async create(
    set: HostSet,
    arch: Architecture,
    backend: BackendName,
    lr: number,
    seed = 1,
  ): Promise<Session> {
    await d.setBackend(backend);
    const model = arch.build(set.classes, seed);
    return new Session(set, arch, model, newOptimizer(model, lr), backend, seed);
  }

  get step(): number {
    return this.steps;
  }

  set lr(value: number) {
    this.optimizer.lr = value;
  }

  /** The layers the activation view can show (every named child but the flatten). */
  layerNames(): string[] {
    return this.model
      .children()
      .map(([name]) => name)
      .filter((name) => name !== 'flatten');
  }

  /** Runs `n` optimisation steps (full batch for the point sets, batches of 64 digits); their losses. */
  async train(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const [x, y] = this.nextBatch();
      const loss = await d.tidy(async () => {
        const params = this.optimizer.params.map((p) => p.value);
        for (const p of params) p.requiresGrad = true;
        const xt = d.tensor(x, this.arch.inputShape(y.length), 'float32');
        const yt = d.tensor(y, [y.length], 'int32');
        const value = d.enableGrad(() => crossEntropy(this.model.forward(xt), yt));
        const grads = d.backward(value, undefined, params);
        const [v] = await value.data();
        this.optimizer.step(new Map(this.optimizer.params.map((p, k) => [p, grads[k]])));
        return v;
      });
      this.steps++;
      this.losses.push({ step: this.steps, loss, backend: this.backend });
      out.push(loss);
    }
    return out;
  }

  /** Mean loss and accuracy over the whole training set, without training. */
  async evaluate(): Promise<{ loss: number; accuracy: number }> {
    const { probs } = await this.predict(this.set.x, this.set.n);
    let loss = 0;
    let right = 0;
    const c = this.set.classes;
    for (let i = 0; i < this.set.n; i++) {
      const row = probs.subarray(i * c, (i + 1) * c);
      loss -= Math.log(Math.max(row[this.set.y[i]], 1e-30));
      if (argmax(row) === this.set.y[i]) right++;
    }
    return { loss: loss / this.set.n, accuracy: right / this.set.n };
  }

  /**
   * Class probabilities for `n` inputs (`[n, features]` on the host), and, when asked, one layer's
   * output, caught with a forward hook on the same pass.
   */
  async predict(x: Float32Array, n: number, layer?: string): Promise<Predictions> {
    const target: Module | undefined = layer
      ? this.model.children().find(([name]) => name === layer)?.[1]
      : undefined;
    let caught: d.Tensor | undefined;
    const hook = target?.registerForwardHook((_m, _input, output) => {
      caught = d.keep(d.alias(output));
    });
    try {
      const probs = d.noGrad(() =>
        d.tidy(() => d.softmax(this.model.forward(d.tensor(x, this.arch.inputShape(n), 'float32')))),
      );
      const [p, a] = await Promise.all([probs.data(), caught?.data()]);
      probs.dispose();
      const activations =
        caught && a ? { layer: layer!, shape: [...caught.shape], data: Float32Array.from(a) } : undefined;
      return { probs: Float32Array.from(p), ...(activations ? { activations } : {}) };
    } finally {
      hook?.remove();
      caught?.dispose();
    }
  }

  /**
   * Moves the weights and the optimizer's state to `backend` and goes on there. Everything is copied
   * before anything changes, so a backend that fails to start leaves the session as it was.
   */
  async switchBackend(backend: BackendName): Promise<void> {
    if (backend === this.backend) return;
    await d.initBackend(backend);
    const state = this.model.stateDict();
    const optimizerState = this.optimizer.stateDict();
    const moved = await moveAll(state, backend);
    const movedOptimizer = await moveAll(optimizerState.tensors, backend);
    await d.setBackend(backend);
    // Loading replaces (and frees) the old backend's tensors; the moved handles are ours to drop.
    this.model.loadStateDict(moved);
    this.optimizer.loadStateDict({ ...optimizerState, tensors: movedOptimizer });
    for (const t of [...Object.values(moved), ...Object.values(movedOptimizer)]) t.dispose();
    this.backend = backend;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }

  private nextBatch(): [Float32Array, Int32Array] {
    const { set } = this;
    if (set.features === 2) return [set.x, set.y];
    if (this.cursor + DIGITS_BATCH > set.n) this.cursor = 0;
    if (this.cursor === 0) this.order = shuffled(this.order, this.rng);
    const x = new Float32Array(DIGITS_BATCH * set.features);
    const y = new Int32Array(DIGITS_BATCH);
    for (let i = 0; i < DIGITS_BATCH; i++) {
      const j = this.order[this.cursor + i];
      x.set(set.x.subarray(j * set.features, (j + 1) * set.features), i * set.features);
      y[i] = set.y[j];
    }
    this.cursor += DIGITS_BATCH;
    return [x, y];
  }
}

function newOptimizer(model: Module, lr: number): Adam {
  return new Adam(Object.fromEntries(model.namedParameters()), { lr });
}

async function moveAll(
  tensors: Record<string, d.Tensor>,
  backend: string,
): Promise<Record<string, d.Tensor>> {
  const entries = await Promise.all(Object.entries(tensors).map(async ([k, t]) => [k, await t.to(backend)]));
  return Object.fromEntries(entries);
}

function shuffled(order: Int32Array, rng: d.Rng): Int32Array {
  const out = Int32Array.from(order);
  const u = rng.uniformValues(out.length);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function argmax(row: Float32Array): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}
