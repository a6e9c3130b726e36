/**
 * Validation before anything reaches the C side, which checks nothing: an unknown id aborts the
 * instance and a wrong shape writes over other tensors. Core validates its public ops, but the backend
 * is a public object too, so every kernel re-checks what its compiled code relies on and answers with
 * core's typed errors.
 */
import {
  ArgumentError,
  BackendError,
  type DType,
  DTypeError,
  type KernelTensor,
  MAX_ELEMENTS,
  type OutSpec,
  type Shape,
  ShapeError,
} from '@dendrite/core';
import { WasmData } from './runtime/wasm-data.js';

export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function checkShape(op: string, what: string, shape: unknown): number {
  if (!Array.isArray(shape)) throw new ShapeError(op, `${what} shape ${String(shape)} is not an array`);
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(op, `${what} shape ${fmt(shape)} must hold non-negative integers`);
    n *= d;
  }
  if (n > MAX_ELEMENTS)
    throw new ShapeError(op, `${what} shape ${fmt(shape)} has more than 2^30 elements (core's MAX_ELEMENTS)`);
  return n;
}

/** The storage behind `t`, after checking that it is live storage of `live` matching its shape and dtype. */
export function dataOf(
  op: string,
  live: ReadonlySet<WasmData>,
  t: KernelTensor,
  dtypes: readonly DType[] | null,
  what = 'input',
): WasmData {
  const d = t?.id;
  if (!(d instanceof WasmData) || d.freed || !live.has(d)) {
    throw new BackendError(op, `${what} is not live storage of this wasm backend`);
  }
  const n = checkShape(op, what, t.shape);
  if (t.dtype !== d.dtype)
    throw new DTypeError(op, `${what} is declared ${t.dtype} but its storage holds ${d.dtype}`);
  if (n !== d.size) {
    throw new ShapeError(
      op,
      `${what} shape ${fmt(t.shape)} has ${n} elements but its storage holds ${d.size}`,
    );
  }
  if (dtypes && !dtypes.includes(d.dtype)) {
    throw new DTypeError(op, `${what} is ${d.dtype}${fmt(t.shape)}; expected ${dtypes.join(' or ')}`);
  }
  return d;
}

/** Checks `out` against the shape and dtype the kernel will write. */
export function checkOut(op: string, out: OutSpec, shape: Shape, dtype: DType): number {
  const n = checkShape(op, 'output', out?.shape);
  if (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(op, `output shape ${fmt(out.shape)} does not match the expected ${fmt(shape)}`);
  }
  if (out.dtype !== dtype) throw new DTypeError(op, `output dtype ${out.dtype} should be ${dtype}`);
  return n;
}

export function checkInt(op: string, what: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 2 ** 30) {
    throw new ArgumentError(op, `${what} ${String(v)} must be an integer >= ${min}`);
  }
  return v;
}

export function checkAxis(op: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < 0 || axis >= Math.max(rank, 1)) {
    throw new ArgumentError(op, `axis ${String(axis)} is out of range for rank ${rank}`);
  }
  return axis;
}

/** Sorted, unique, in-range axes. */
export function checkAxes(op: string, axes: unknown, rank: number): number[] {
  if (!Array.isArray(axes)) throw new ArgumentError(op, `axes ${String(axes)} must be an array`);
  for (let i = 0; i < axes.length; i++) {
    checkAxis(op, axes[i], rank);
    if (i > 0 && axes[i] <= axes[i - 1])
      throw new ArgumentError(op, `axes ${JSON.stringify(axes)} must be sorted and unique`);
  }
  return axes as number[];
}

/** NumPy broadcast of `shapes`, or a ShapeError. */
export function broadcastOf(op: string, shapes: readonly Shape[]): number[] {
  const r = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(r).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const oi = r - s.length + i;
      const d = s[i];
      if (d === out[oi] || d === 1) continue;
      if (out[oi] === 1) out[oi] = d;
      else throw new ShapeError(op, `shapes ${shapes.map(fmt).join(', ')} do not broadcast`);
    }
  }
  return out;
}
