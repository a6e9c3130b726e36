/**
 * `Module`: the base of every layer and container. It owns parameters and buffers (registered by name),
 * knows its children, switches between training and evaluation, saves and restores its state, runs
 * forward hooks, and describes its output shape, parameter count and multiply-accumulates for a summary.
 */
import {
  ArgumentError,
  alias,
  DendriteError,
  DisposedError,
  DTypeError,
  keep,
  renamed,
  type Shape,
  ShapeError,
  type Tensor,
} from '@dendrite/core';
import { Parameter, type ParameterOptions, StateBuffer } from './parameter.js';

/** What a module reports for `summary`: computed from shapes alone, no tensors involved. */
export interface LayerDescription {
  /** The layer's type, e.g. `Conv2D`. */
  readonly kind: string;
  /** Its name inside its parent (empty for the root). */
  readonly name: string;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** Elements of every parameter of this module and its children (frozen ones included). */
  readonly params: number;
  /** Elements of the trainable parameters only. */
  readonly trainableParams: number;
  /** Elements of the buffers (running statistics…), which are not parameters. */
  readonly bufferElements: number;
  /**
   * Multiply-accumulates of one forward pass, counted for convolutions (output elements ×
   * inChannels/groups × kh × kw) and linear layers (output elements × inFeatures) only.
   */
  readonly macs: number;
  /** The children's descriptions, in the order they run (containers only). */
  readonly children: readonly LayerDescription[];
}

/** Called after a module's forward pass with its input and output (to capture activation maps). */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => void;

export interface HookHandle {
  remove(): void;
}

export interface LoadStateOptions {
  /** Refuse missing and unexpected keys (default true); shapes and dtypes are always checked. */
  readonly strict?: boolean;
}

export interface StateDictOptions {
  /**
   * Return new handles the caller owns (and may dispose) instead of the module's own tensors, e.g. to
   * keep a snapshot of the weights while training goes on. Sharing storage, they cost no copy.
   */
  readonly clone?: boolean;
}

const fmt = (shape: Shape) => `[${shape.join(', ')}]`;

export abstract class Module {
  /** The layer's type, used in errors and summaries. */
  readonly kind: string;
  /** A name for errors and summaries; containers name their children after their keys. */
  name: string;
  private isTraining = true;
  private disposed = false;
  private readonly ownParameters = new Map<string, Parameter>();
  private readonly ownBuffers = new Map<string, StateBuffer>();
  private readonly childModules = new Map<string, Module>();
  private readonly hooks = new Set<ForwardHook>();

  protected constructor(kind: string, name = '') {
    this.kind = kind;
    this.name = name;
  }

  /** `Kind 'name'`, the op named in this module's errors. */
  get label(): string {
    return this.name ? `${this.kind} '${this.name}'` : this.kind;
  }

  // ---- the forward pass ----

  /** Runs the module on `x` (after checking its shape and dtype), then the forward hooks. */
  forward(x: Tensor): Tensor {
    this.assertLive();
    x.assertLive(this.label);
    try {
      this.checkInput(x);
    } catch (e) {
      // Already names this layer: a container around it must not rename it.
      if (e instanceof DendriteError) LAYER_ERRORS.add(e);
      throw e;
    }
    let y: Tensor;
    try {
      y = this.compute(x);
    } catch (e) {
      throw inLayer(this.label, e);
    }
    this.runHooks(x, y);
    return y;
  }

  /** The computation proper; `x` has passed `checkInput`. */
  protected abstract compute(x: Tensor): Tensor;

  /**
   * The output shape for an input shape; throws a `ShapeError` naming the layer when the input does not
   * fit. `forward` calls it (through `checkInput`) before computing, and `describe` uses it for summaries.
   */
  abstract outputShape(inputShape: Shape): Shape;

  /** Validates `x` before `compute`: float32 and a shape `outputShape` accepts. */
  protected checkInput(x: Tensor): void {
    if (x.dtype !== 'float32') {
      throw new DTypeError(this.label, `input is ${x.dtype}${fmt(x.shape)}; expected float32`);
    }
    this.outputShape(x.shape);
  }

  /** Whether forward hooks are registered (a fused path that skips this module's own output must not run). */
  get hasForwardHooks(): boolean {
    return this.hooks.size > 0;
  }

  protected runHooks(x: Tensor, y: Tensor): void {
    for (const hook of this.hooks) hook(this, x, y);
  }

  /**
   * Calls `hook(module, input, output)` after every forward pass. The tensors belong to the pass: a hook
   * that keeps one beyond it takes `keep(alias(output))` (and disposes it later) or reads its values.
   */
  registerForwardHook(hook: ForwardHook): HookHandle {
    this.hooks.add(hook);
    return { remove: () => this.hooks.delete(hook) };
  }

  // ---- registration (for subclasses) ----

  protected addParameter(name: string, value: Tensor, options?: ParameterOptions): Parameter {
    this.checkFreeName(name);
    const p = new Parameter(value, `${this.kind}.${name}`, options);
    this.ownParameters.set(name, p);
    return p;
  }

  protected addBuffer(name: string, value: Tensor): StateBuffer {
    this.checkFreeName(name);
    const b = new StateBuffer(value, `${this.kind}.${name}`);
    this.ownBuffers.set(name, b);
    return b;
  }

  protected addChild<M extends Module>(name: string, module: M): M {
    this.checkFreeName(name);
    if (!(module instanceof Module)) {
      throw new ArgumentError(this.label, `child '${name}' is not a Module`);
    }
    if (!module.name) module.name = name;
    this.childModules.set(name, module);
    return module;
  }

  private checkFreeName(name: string): void {
    if (!name || name.includes('.')) {
      throw new ArgumentError(this.label, `name '${name}' must be non-empty and contain no '.'`);
    }
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.childModules.has(name)) {
      throw new ArgumentError(this.label, `'${name}' is already registered`);
    }
  }

  // ---- traversal ----

  /** Direct children, in registration order. */
  children(): [string, Module][] {
    return [...this.childModules];
  }

  /** This module and every descendant with its dotted path ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childModules) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  /** Every parameter with its dotted path (`block.0.kernel`); a shared parameter is listed once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([path ? `${path}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** This module's own parameters and buffers by name (not its children's). */
  ownState(): [string, Parameter | StateBuffer][] {
    return [...this.ownParameters, ...this.ownBuffers];
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The parameters optimizers update and gradients are computed for. */
  trainableParameters(): Parameter[] {
    return this.parameters().filter((p) => p.trainable);
  }

  namedBuffers(): [string, StateBuffer][] {
    const out: [string, StateBuffer][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const [name, b] of m.ownBuffers) out.push([path ? `${path}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): StateBuffer[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Total elements of all parameters (or only the trainable ones). */
  countParameters(trainableOnly = false): number {
    return this.parameters()
      .filter((p) => !trainableOnly || p.trainable)
      .reduce((n, p) => n + p.size, 0);
  }

  // ---- modes ----

  get training(): boolean {
    return this.isTraining;
  }

  /** Training mode (the default): dropout drops, batch norm uses and updates batch statistics. */
  train(on = true): this {
    for (const [, m] of this.namedModules()) m.isTraining = on;
    return this;
  }

  /** Evaluation mode: dropout is the identity, batch norm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients `loss.backward()` accumulated in the parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  // ---- state ----

  /**
   * Parameters and buffers by dotted path. By default the module's own tensors: valid until the module
   * replaces them (an optimizer step, `loadStateDict`), and not to be disposed. `{ clone: true }` gives
   * handles the caller owns.
   */
  stateDict(options: StateDictOptions = {}): Record<string, Tensor> {
    this.assertLive();
    const out: Record<string, Tensor> = {};
    for (const [name, slot] of [...this.namedParameters(), ...this.namedBuffers()]) {
      out[name] = options.clone ? alias(slot.value) : slot.value;
    }
    return out;
  }

  /**
   * Replaces parameters and buffers with the values in `state` (by dotted path). Everything is checked
   * before anything changes: shapes (`ShapeError`), dtypes (`DTypeError`) and, when strict, missing or
   * unexpected keys (`ArgumentError`). The module shares the given tensors' storage (no copy); the caller
   * still owns and may dispose the tensors it passed.
   */
  loadStateDict(state: Readonly<Record<string, Tensor>>, options: LoadStateOptions = {}): void {
    this.assertLive();
    const op = `${this.label}.loadStateDict`;
    const slots = new Map<string, Parameter | StateBuffer>([
      ...this.namedParameters(),
      ...this.namedBuffers(),
    ]);
    if (options.strict ?? true) {
      const missing = [...slots.keys()].filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !slots.has(k));
      if (missing.length || unexpected.length) {
        throw new ArgumentError(
          op,
          `state does not match the module: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
        );
      }
    }
    const updates: [Parameter | StateBuffer, Tensor][] = [];
    for (const [key, t] of Object.entries(state)) {
      const slot = slots.get(key);
      if (!slot) continue;
      t.assertLive(op);
      if (t.dtype !== slot.dtype) {
        throw new DTypeError(op, `'${key}' is ${t.dtype}; expected ${slot.dtype}`);
      }
      if (t.shape.length !== slot.shape.length || t.shape.some((d, i) => d !== slot.shape[i])) {
        throw new ShapeError(op, `'${key}' has shape ${fmt(t.shape)}; expected ${fmt(slot.shape)}`);
      }
      updates.push([slot, t]);
    }
    for (const [slot, t] of updates) slot.value = keep(alias(t));
  }

  // ---- summary ----

  /**
   * Output shape, parameter count and multiply-accumulates for an input shape (batch axis included).
   * Containers override it to combine their children's descriptions (`combineDescriptions`), so a summary
   * walks any model. This default counts the parameters and buffers of the whole subtree, but
   * multiply-accumulates of this module only (its children's input shapes are not known here).
   */
  describe(inputShape: Shape): LayerDescription {
    const outputShape = this.outputShape(inputShape);
    return {
      kind: this.kind,
      name: this.name,
      inputShape: [...inputShape],
      outputShape,
      params: this.countParameters(),
      trainableParams: this.countParameters(true),
      bufferElements: this.buffers().reduce((n, b) => n + b.size, 0),
      macs: this.countMacs(inputShape, outputShape),
      children: [],
    };
  }

  /** Multiply-accumulates of one forward pass (0 unless the layer is a convolution or linear). */
  protected countMacs(_inputShape: Shape, _outputShape: Shape): number {
    return 0;
  }

  // ---- lifetime ----

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees every parameter and buffer of this module and its children. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.ownParameters.values()) p.dispose();
    for (const b of this.ownBuffers.values()) b.dispose();
    for (const c of this.childModules.values()) c.dispose();
    this.hooks.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  protected assertLive(): void {
    if (this.disposed) throw new DisposedError(this.label, 'this module was disposed');
  }
}

/** Combines children's descriptions into a container's (sums of counts, the last output shape). */
export function combineDescriptions(
  module: Module,
  inputShape: Shape,
  outputShape: Shape,
  children: readonly LayerDescription[],
): LayerDescription {
  const total = (f: (d: LayerDescription) => number) => children.reduce((n, d) => n + f(d), 0);
  return {
    kind: module.kind,
    name: module.name,
    inputShape: [...inputShape],
    outputShape: [...outputShape],
    params: total((d) => d.params),
    trainableParams: total((d) => d.trainableParams),
    bufferElements: total((d) => d.bufferElements),
    macs: total((d) => d.macs),
    children,
  };
}

/**
 * An error from the ops inside a layer's forward pass, reported under the layer (the innermost one, when
 * layers nest) and still naming the op that raised it: `Dense 'fc1': ... (raised by fusedMatmul)`.
 */
function inLayer(label: string, e: unknown): unknown {
  if (!(e instanceof DendriteError) || LAYER_ERRORS.has(e)) return e;
  const out = renamed(label, e);
  LAYER_ERRORS.add(out as DendriteError);
  return out;
}

const LAYER_ERRORS = new WeakSet<DendriteError>();
