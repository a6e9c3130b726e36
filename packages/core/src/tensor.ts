/**
 * The Tensor handle: shape, dtype, the storage it points to (owned by one backend) and its place in the
 * autograd graph. Tensors are immutable; ops make new ones. Several handles may share one storage block
 * (reshape, autograd's saved values); the storage is freed when the last of them is disposed.
 */

import type { GradNode } from './autograd/grad-node.js';
import { releaseNode } from './autograd/grad-node.js';
import type { Backend, KernelTensor } from './backend.js';
import { hasPendingChecks, readWithChecks } from './checks/deferred-checks.js';
import type { DataArray, DType } from './dtype.js';
import { engine, type Scope, type Storage } from './engine.js';
import { BackendError, DisposedError, DTypeError, fmtShape, renamed } from './errors.js';
import { getInitializedBackend, initBackend } from './registry.js';
import { type Shape, sizeOf } from './shape.js';

/** Nested arrays of numbers (or booleans), as returned by `tensor.array()`. */
export type NestedArray = number | boolean | NestedArray[];

export class Tensor implements Disposable {
  readonly id: number;
  /**
   * The dimensions, this tensor's own copy (an array passed in is copied, so changing it later changes
   * nothing here). Read-only by type, but not frozen: V8 up to Node 20 reads the elements of a frozen
   * array three times slower (about 20 against 7 ns for a two-element compare), and every op reads
   * shapes: freezing them cost a quarter of a small op.
   */
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  /** @internal the storage block this handle points to */
  readonly storage: Storage;
  /** @internal the autograd node that produced this tensor, if it was recorded */
  node: GradNode | null = null;
  /** @internal exempt from `tidy` (see `keep`) */
  kept = false;
  /** @internal the scope that disposes this tensor when it ends, if any */
  scope: Scope | null = null;
  /** @internal registered with the garbage-collection net (see Engine.track) */
  underCollectionNet = false;
  /** Accumulated gradient of a leaf tensor that `requiresGrad`, after `backward()`. */
  grad: Tensor | null = null;
  private leafRequiresGrad = false;
  private disposed = false;

  /** @internal use ops and `tensor()` to make tensors; `size` is the shape's, when the caller has it */
  constructor(storage: Storage, shape: Shape, dtype: DType, size = sizeOf(shape)) {
    this.id = engine.nextTensorId++;
    this.storage = storage;
    this.shape = shape.slice();
    this.dtype = dtype;
    this.size = size;
    engine.track(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Name of the backend that owns this tensor's storage. */
  get backend(): string {
    return this.storage.backend.name;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Whether gradients flow to this tensor. Set it on a float32 leaf (a parameter, an input) to have
   * `backward()` fill its `.grad`; results of ops on such tensors require grad automatically.
   */
  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.node !== null;
  }

  set requiresGrad(value: boolean) {
    if (this.node) {
      throw new DTypeError(
        'requiresGrad',
        'can only be set on a leaf tensor (one not produced by a recorded op)',
      );
    }
    if (value && this.dtype !== 'float32') {
      throw new DTypeError('requiresGrad', `gradients need float32; this tensor is ${this.dtype}`);
    }
    this.leafRequiresGrad = value;
  }

  /** Sets `requiresGrad` and returns this tensor, for chaining. */
  requireGrad(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** The kernel view, made once: every field is immutable. */
  private view: KernelTensor | null = null;

  /** @internal the view a kernel receives */
  kernelView(op: string): KernelTensor {
    this.assertLive(op);
    this.view ??= { id: this.storage.id, shape: this.shape, dtype: this.dtype };
    return this.view;
  }

  assertLive(op: string): void {
    if (this.disposed) {
      throw new DisposedError(
        op,
        `tensor #${this.id} ${this.dtype}${fmtShape(this.shape)} was already disposed`,
      );
    }
  }

  /**
   * Copies the values out, on every backend. Checks still waiting on this backend (labels in range,
   * numerics; see checks/deferred-checks.ts) are settled in the same await, and their error is thrown.
   */
  async data(): Promise<DataArray> {
    this.assertLive('data');
    const backend = this.storage.backend;
    if (hasPendingChecks(backend)) return readWithChecks(backend, this.storage.id, this.dtype, this.size);
    return backend.read(this.storage.id, this.dtype, this.size);
  }

  /** Copies the values out synchronously, where the backend can (not WebGPU: use `await data()`). */
  dataSync(): DataArray {
    this.assertLive('dataSync');
    const backend = this.storage.backend;
    if (!backend.readSync) {
      throw new BackendError(
        'dataSync',
        `backend '${backend.name}' can only read asynchronously; use 'await tensor.data()' instead`,
      );
    }
    return backend.readSync(this.storage.id, this.dtype, this.size);
  }

  /** Values as nested arrays (numbers; booleans for bool tensors). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1)
      throw new DTypeError('item', `expected a one-element tensor, got shape ${fmtShape(this.shape)}`);
    return (await this.data())[0];
  }

  /**
   * Releases this handle (and the storage once no other handle shares it). Safe to call twice. The
   * autograd graph that produced the tensor is released too, unless other live tensors still need it.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    engine.untrack(this);
    engine.releaseStorage(this.storage);
    if (this.node) {
      releaseNode(this.node);
      this.node = null;
    }
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Back-propagates from this tensor: accumulates into `.grad` of every leaf that requires grad. A
   * non-scalar tensor needs the upstream gradient `dy` of its shape. The graph is freed afterwards.
   */
  backward(dy?: Tensor): void {
    if (!engine.backward)
      throw new BackendError('backward', 'autograd is not loaded (import @dendrite/core)');
    engine.backward(this, dy);
  }

  /** Disposes and clears `.grad`. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  /** A copy of this tensor on another backend (which must have been initialised, or is initialised now). */
  async to(backendName: string): Promise<Tensor> {
    this.assertLive('to');
    let target: Backend;
    try {
      target = getInitializedBackend(backendName) ?? (await initBackend(backendName));
    } catch (e) {
      throw renamed('to', e, false);
    }
    const values = await this.data();
    const storage = engine.newStorage(target, target.upload(values, this.dtype), this.dtype, this.size);
    return new Tensor(storage, this.shape, this.dtype);
  }

  toString(): string {
    return `Tensor(${this.dtype}${fmtShape(this.shape)}, backend=${this.backend}${this.disposed ? ', disposed' : ''})`;
  }
}

function nest(values: DataArray, shape: Shape, dtype: DType): NestedArray {
  const conv = (v: number) => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0]);
  const build = (axis: number, offset: number): NestedArray[] => {
    const n = shape[axis];
    const stride = sizeOf(shape.slice(axis + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = axis === shape.length - 1 ? conv(values[offset + i]) : build(axis + 1, offset + i * stride);
    }
    return out;
  };
  return build(0, 0);
}
