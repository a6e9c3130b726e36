/**
 * The slots a module keeps its tensors in. A `Parameter` is learned (optimizers replace its `value`); a
 * `StateBuffer` is state that is saved with the module but not learned (BatchNorm's running statistics).
 * Both own their tensor: assigning a new `value` keeps it (exempt from `tidy`) and disposes the old one,
 * so an optimizer step `p.value = next` neither leaks nor needs to free anything itself.
 */
import { alias, DTypeError, keep, type Shape, ShapeError, type Tensor } from '@dendrite/core';

const fmt = (shape: Shape) => `[${shape.join(', ')}]`;

/** @internal Swaps the tensor a slot points to without owning it (used by `withParameters`). */
export const swapValue = Symbol('swapValue');

abstract class TensorSlot {
  private tensor: Tensor;
  /** Where errors say the slot lives, e.g. `Dense.kernel`. */
  readonly label: string;

  constructor(value: Tensor, label: string) {
    this.label = label;
    this.tensor = this.adopt(value);
  }

  get value(): Tensor {
    return this.tensor;
  }

  /**
   * Replaces the tensor (same shape and dtype). The slot takes ownership of `next` and disposes the
   * tensor it held; a tensor produced by a recorded op is cut off from its graph first.
   */
  set value(next: Tensor) {
    const prev = this.tensor;
    if (next === prev) return;
    next.assertLive(`${this.label} = value`);
    if (next.dtype !== prev.dtype) {
      throw new DTypeError(
        this.label,
        `new value is ${next.dtype}${fmt(next.shape)}; expected ${prev.dtype}`,
      );
    }
    if (next.shape.length !== prev.shape.length || next.shape.some((d, i) => d !== prev.shape[i])) {
      throw new ShapeError(this.label, `new value has shape ${fmt(next.shape)}; expected ${fmt(prev.shape)}`);
    }
    this.tensor = this.adopt(next);
    prev.dispose();
  }

  get shape(): Shape {
    return this.tensor.shape;
  }

  get size(): number {
    return this.tensor.size;
  }

  get dtype() {
    return this.tensor.dtype;
  }

  /** @internal Points the slot at `t` without taking ownership; returns what it pointed at. */
  [swapValue](t: Tensor): Tensor {
    const prev = this.tensor;
    this.tensor = t;
    return prev;
  }

  dispose(): void {
    this.tensor.dispose();
  }

  get isDisposed(): boolean {
    return this.tensor.isDisposed;
  }

  protected adopt(t: Tensor): Tensor {
    let owned = t;
    if (t.node) {
      owned = alias(t); // a leaf on the same storage: parameters start graphs, they do not continue them
      t.dispose();
    }
    return keep(owned);
  }
}

export interface ParameterOptions {
  /** Whether optimizers update it and gradients are computed for it (default true). */
  readonly trainable?: boolean;
}

/**
 * A learned tensor. Structurally a `ParameterRef` (`{ value: Tensor }`) for optimizers. While trainable,
 * its tensor has `requiresGrad`, so `loss.backward()` fills `parameter.grad`.
 */
export class Parameter extends TensorSlot {
  private isTrainable: boolean;

  constructor(value: Tensor, label: string, options: ParameterOptions = {}) {
    if (value.dtype !== 'float32') {
      throw new DTypeError(label, `parameters must be float32, got ${value.dtype}${fmt(value.shape)}`);
    }
    super(value, label);
    this.isTrainable = options.trainable ?? true;
    this.value.requiresGrad = this.isTrainable;
  }

  override set value(next: Tensor) {
    super.value = next;
    this.value.requiresGrad = this.isTrainable;
  }

  override get value(): Tensor {
    return super.value;
  }

  get trainable(): boolean {
    return this.isTrainable;
  }

  /** Freezing a parameter (`false`) excludes it from gradients and optimizer updates. */
  set trainable(on: boolean) {
    this.isTrainable = on;
    this.value.requiresGrad = on;
  }

  /** PyTorch's name for `trainable`. */
  get requiresGrad(): boolean {
    return this.isTrainable;
  }

  set requiresGrad(on: boolean) {
    this.trainable = on;
  }

  /** The gradient accumulated by `loss.backward()`, if any. */
  get grad(): Tensor | null {
    return this.value.grad;
  }

  zeroGrad(): void {
    this.value.zeroGrad();
  }
}

/** Non-learned state saved with the module (running statistics, counters); any dtype. */
export class StateBuffer extends TensorSlot {}
