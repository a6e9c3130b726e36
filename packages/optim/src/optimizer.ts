/**
 * The optimizer base: a list of parameters, per-parameter state (step count and buffers such as Adam's
 * moments), and `step(grads)`, which computes every update without recording a graph and swaps the new
 * tensors in. Subclasses give only the update rule of one parameter, or (SGD, Adam) name one of core's
 * fused rules, which updates every parameter in one `optimizerUpdateMany` call.
 */
import * as d from '@dendrite/core';
import { ArgumentError, DTypeError, ShapeError, type Tensor } from '@dendrite/core';
import { finiteAtLeast } from './hyper.js';
import { listParameters, type ParameterRef, type ParameterSet } from './parameter-ref.js';

/** One of core's fused update rules, with each parameter's hyper-parameters (they depend on its state). */
export interface FusedRule {
  readonly kind: d.OptimizerKind;
  hyper(state: ParamState): d.OptimizerHyper;
}

/** One parameter's optimizer state. */
export interface ParamState {
  /** Updates applied to this parameter so far (1 during its first update). */
  step: number;
  /** The rule's buffers, in the order of `bufferNames()`. */
  buffers: Tensor[];
}

/**
 * Gradients for `step`: aligned with the parameter list (null/undefined = no gradient this step), by
 * name when the parameters were given by name, or by parameter. Left out: each parameter's `.grad`.
 */
export type Gradients =
  | readonly (Tensor | null | undefined)[]
  | Readonly<Record<string, Tensor | null | undefined>>
  | ReadonlyMap<ParameterRef, Tensor | null | undefined>;

/** What `stateDict()` returns and `loadStateDict()` accepts. */
export interface OptimizerStateDict {
  readonly lr: number;
  /** how many times `step` ran (`iterations`); kept as is when left out */
  readonly iterations?: number;
  /** per parameter name: its update count */
  readonly steps: Record<string, number>;
  /** `<parameter name>.<buffer name>` -> tensor */
  readonly tensors: Record<string, Tensor>;
}

const fmt = (t: Tensor) => `${t.dtype}[${t.shape.join(', ')}]`;

export abstract class Optimizer {
  /** The parameters, in a fixed order. */
  readonly params: readonly ParameterRef[];
  /** Their names: the record's keys, or '0', '1', … for a list. */
  readonly names: readonly string[];
  private learningRate: number;
  private readonly states = new Map<ParameterRef, ParamState>();
  private updates = 0;

  protected constructor(
    /** used in error messages: 'SGD', 'Adam', … */
    readonly name: string,
    params: ParameterSet,
    lr: number,
  ) {
    const { names, refs } = listParameters(name, params);
    this.params = refs;
    this.names = names;
    this.learningRate = finiteAtLeast(name, 'lr', lr, 0);
  }

  /** The learning rate of the next step; schedules set it. */
  get lr(): number {
    return this.learningRate;
  }

  set lr(value: number) {
    this.learningRate = finiteAtLeast(this.name, 'lr', value, 0);
  }

  /** How many times `step` has run. */
  get iterations(): number {
    return this.updates;
  }

  /** The state of one parameter (undefined before its first update). */
  stateOf(param: ParameterRef): Readonly<ParamState> | undefined {
    return this.states.get(param);
  }

  /** Names of the buffers the rule keeps per parameter, given its settings. */
  abstract bufferNames(): string[];

  /** Buffers before the first update (zeros, or the rule's initial value), on the parameter's backend. */
  protected abstract initialBuffers(param: Tensor): Tensor[];

  /**
   * One update (rules without a fusedRule override it). Runs inside `noGrad` and `tidy`: return the new parameter and new buffers; everything
   * else is freed. `state.step` is already counted (1 on the first update).
   */
  protected update(param: Tensor, grad: Tensor, state: ParamState): { param: Tensor; buffers: Tensor[] } {
    void param;
    void grad;
    void state;
    throw new Error(`${this.name} gives neither update() nor fusedRule()`);
  }

  /**
   * The rule as one of core's fused updates: then `step` updates every parameter in one
   * `optimizerUpdateMany` call (one kernel call on backends that override it) and `update` is unused.
   * Null (the default): `update` per parameter.
   */
  protected fusedRule(): FusedRule | null {
    return null;
  }

  /**
   * Applies one update to every parameter that has a gradient. Each new tensor replaces `ref.value` (the
   * old one is disposed, `requiresGrad` carried over) and survives any enclosing `tidy`.
   */
  step(grads?: Gradients): void {
    this.checkNames(grads);
    const pairs = this.params.map((ref, i) => [ref, this.gradientFor(ref, i, grads)] as const);
    for (const [ref, grad] of pairs) {
      if (!grad) continue;
      this.checkGradient(ref, grad);
    }
    const live = pairs.filter((p): p is readonly [ParameterRef, Tensor] => !!p[1]);
    const states = live.map(([ref]): ParamState => {
      const old = this.states.get(ref);
      return old
        ? { step: old.step + 1, buffers: old.buffers }
        : { step: 1, buffers: d.tidy(() => d.noGrad(() => this.initialBuffers(ref.value))) };
    });
    const rule = this.fusedRule();
    const fused = rule
      ? d.tidy(() =>
          d.noGrad(() =>
            d
              .optimizerUpdateMany(
                rule.kind,
                live.map(([ref, grad], i) => ({
                  param: ref.value,
                  grad,
                  state: states[i].buffers,
                  hyper: rule.hyper(states[i]),
                })),
              )
              .map((r) => ({ param: r.param, buffers: r.state })),
          ),
        )
      : null;
    for (const [i, [ref, grad]] of live.entries()) {
      const state = states[i];
      const result = fused ? fused[i] : d.tidy(() => d.noGrad(() => this.update(ref.value, grad, state)));
      const before = ref.value;
      const requiresGrad = before.requiresGrad;
      ref.value = d.keep(result.param);
      if (requiresGrad) ref.value.requiresGrad = true;
      before.dispose();
      for (const b of state.buffers) if (!result.buffers.includes(b)) b.dispose();
      this.states.set(ref, { step: state.step, buffers: result.buffers.map((b) => d.keep(b)) });
    }
    this.updates++;
  }

  /** Clears every parameter's accumulated `.grad` (a step also drops it, with the replaced tensor). */
  zeroGrad(): void {
    for (const ref of this.params) ref.value.zeroGrad();
  }

  /** The optimizer's state; the tensors belong to the optimizer (do not dispose them). */
  stateDict(): OptimizerStateDict {
    const steps: Record<string, number> = {};
    const tensors: Record<string, Tensor> = {};
    const bufferNames = this.bufferNames();
    this.params.forEach((ref, i) => {
      const s = this.states.get(ref);
      if (!s) return;
      steps[this.names[i]] = s.step;
      s.buffers.forEach((b, k) => {
        tensors[`${this.names[i]}.${bufferNames[k]}`] = b;
      });
    });
    return { lr: this.lr, iterations: this.updates, steps, tensors };
  }

  /** Restores a state dict (the tensors are shared, not consumed: the caller keeps ownership of its own). */
  loadStateDict(dict: OptimizerStateDict): void {
    const bufferNames = this.bufferNames();
    const next = new Map<ParameterRef, ParamState>();
    this.params.forEach((ref, i) => {
      const name = this.names[i];
      const step = dict.steps[name];
      if (step === undefined) return;
      const buffers = bufferNames.map((b) => {
        const t = dict.tensors[`${name}.${b}`];
        if (!t) throw new ArgumentError(`${this.name}.loadStateDict`, `missing tensor '${name}.${b}'`);
        if (!d.shapesEqual(t.shape, ref.value.shape)) {
          throw new ShapeError(
            `${this.name}.loadStateDict`,
            `'${name}.${b}' is ${fmt(t)}; parameter '${name}' is ${fmt(ref.value)}`,
          );
        }
        return t;
      });
      next.set(ref, { step, buffers: buffers.map((t) => d.keep(d.detach(t))) });
    });
    if (dict.iterations !== undefined && !(Number.isSafeInteger(dict.iterations) && dict.iterations >= 0)) {
      throw new ArgumentError(
        `${this.name}.loadStateDict`,
        `iterations must be a non-negative integer, got ${String(dict.iterations)}`,
      );
    }
    this.lr = dict.lr;
    this.disposeState();
    for (const [ref, s] of next) this.states.set(ref, s);
    if (dict.iterations !== undefined) this.updates = dict.iterations;
  }

  /** Frees the optimizer's buffers (the parameters stay with their owners). */
  dispose(): void {
    this.disposeState();
  }

  private disposeState(): void {
    for (const s of this.states.values()) d.dispose(s.buffers);
    this.states.clear();
  }

  private gradientFor(ref: ParameterRef, i: number, grads: Gradients | undefined): Tensor | null {
    if (grads === undefined) return ref.value.grad;
    if (Array.isArray(grads)) {
      if (grads.length !== this.params.length) {
        throw new ArgumentError(
          `${this.name}.step`,
          `got ${grads.length} gradients for ${this.params.length} parameters`,
        );
      }
      return grads[i] ?? null;
    }
    if (grads instanceof Map) return grads.get(ref) ?? null;
    return (grads as Record<string, Tensor | null | undefined>)[this.names[i]] ?? null;
  }

  /** A gradient under a name no parameter has is a mistake (a typo would otherwise skip that update). */
  private checkNames(grads: Gradients | undefined): void {
    if (grads === undefined || Array.isArray(grads) || grads instanceof Map) return;
    const known = new Set(this.names);
    for (const key of Object.keys(grads)) {
      if (!known.has(key)) {
        throw new ArgumentError(
          `${this.name}.step`,
          `gradient for '${key}', which is not a parameter; parameters: ${this.names.join(', ')}`,
        );
      }
    }
  }

  private checkGradient(ref: ParameterRef, grad: Tensor): void {
    const op = `${this.name}.step`;
    const name = this.names[this.params.indexOf(ref)];
    grad.assertLive(op);
    if (grad.dtype !== 'float32') {
      throw new DTypeError(op, `gradient of '${name}' is ${fmt(grad)}; expected float32`);
    }
    if (!d.shapesEqual(grad.shape, ref.value.shape)) {
      throw new ShapeError(op, `gradient of '${name}' is ${fmt(grad)}; the parameter is ${fmt(ref.value)}`);
    }
  }
}
