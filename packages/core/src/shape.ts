import { ArgumentError, fmtShape, fmtValue, ShapeError } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The most elements one tensor may have, on every backend: 2^30 (4 GiB of float32, the whole 32-bit
 * heap of backend-wasm). A backend may still run out of memory below it (a BackendError), but no shape
 * above it reaches one.
 */
export const MAX_ELEMENTS = 2 ** 30;

/**
 * `shape` is an array of non-negative safe integers whose product is at most MAX_ELEMENTS; returns the
 * element count. `what` names the argument (`shape`, `output`, `outputShape`…).
 */
export function checkShape(op: string, shape: unknown, what = 'shape'): number {
  if (!Array.isArray(shape)) {
    throw new ShapeError(op, `${what} ${fmtValue(shape)} is not an array of dimensions`);
  }
  let n = 1;
  // An indexed loop: `for…of` on a tensor's shape was a measurable part of a small op.
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(
        op,
        `${what} ${fmtValue(shape)} has a dimension ${fmtValue(d)}; expected non-negative integers`,
      );
    }
    n *= d;
  }
  if (n > MAX_ELEMENTS) {
    throw new ShapeError(
      op,
      `${what} ${fmtValue(shape)} has ${n} elements; the most a tensor may have is 2^30 (${MAX_ELEMENTS})`,
    );
  }
  return n;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): Shape {
  // Equal shapes (most elementwise ops) give `a` itself, not a new array (the result's tensor copies it).
  if (a === b || shapesEqual(a, b)) return a;
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast: dimension ${i} is ${da} vs ${db}; expected equal sizes or 1`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against `rank`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ArgumentError(
      op,
      `axis ${axis} is out of range for a tensor of rank ${rank}; expected -${rank} <= axis < ${rank}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted, unique, non-negative axes; `undefined`/`null` means all axes. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | null | undefined,
  rank: number,
): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(op, a, rank)))].sort((x, y) => x - y);
  if (out.length !== list.length)
    throw new ArgumentError(op, `axes [${list.join(', ')}] contain a duplicate`);
  return out;
}

/** The axes of `inShape` that were broadcast to reach `outShape` (to sum a gradient back). */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    const d = i < offset ? 1 : inShape[i - offset];
    if (d === 1 && (outShape[i] !== 1 || i < offset)) axes.push(i);
  }
  return axes;
}

/** `shape` with the reduced `axes` kept as size 1. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
