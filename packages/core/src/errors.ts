/**
 * Typed errors. Each names the op, what it received and what it expected, so a user can fix the call
 * without reading Dendrite's source.
 */
export class DendriteError extends Error {
  /** The message without the op's name in front. */
  readonly detail: string;

  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`);
    this.detail = message;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (broadcasting, matmul inner dims, reshape sizes, axes…). */
export class ShapeError extends DendriteError {}

/** A dtype the op does not accept, or two operands whose dtypes differ. */
export class DTypeError extends DendriteError {}

/** Backend problems: unknown or failed backend, tensors of two backends mixed, a sync read refused. */
export class BackendError extends DendriteError {}

/** Use of a tensor after `dispose()`, or of an autograd graph after it was freed. */
export class DisposedError extends DendriteError {}

/** Memory scopes misused: asynchronous `tidy` bodies interleaved where scopes cannot follow them. */
export class ScopeError extends DendriteError {}

/** An attribute (stride, padding, axis value…) out of its allowed range. */
export class ArgumentError extends DendriteError {}

/**
 * An index or class label outside its range (negative, or not below the size it indexes): one-hot,
 * embeddings, cross-entropy, NLL. `value` is an offending index.
 */
export class IndexError extends ArgumentError {
  constructor(
    op: string,
    message: string,
    readonly value: number,
  ) {
    super(op, message);
  }
}

/**
 * A value became NaN or ±Infinity where finite values are required: the output of an op under
 * `setCheckNumerics(true)` (the op is named, with its inputs' shapes and statistics), or a training loss.
 */
export class NonFiniteError extends DendriteError {}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.map(fmtValue).join(', ')}]`;
}

/**
 * Any argument as a user would write it: NaN, Infinity and -0 as such (JSON.stringify prints `null`
 * and `0`), strings quoted, arrays and plain objects expanded, other objects by their class name.
 */
export function fmtValue(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(', ')}]`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return proto?.constructor?.name ?? 'object';
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k}: ${fmtValue(x)}`)
    .join(', ')} }`;
}

/**
 * Runs the body of a public op built from other ops, so that a mistake caught by an inner op is
 * reported under the op the user called: `stack: ... (raised by concat)`, not `concat: ...`. The
 * error keeps its class, so every backend still raises the same typed error.
 */
export function asOp<T>(op: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw renamed(op, e);
  }
}

/**
 * What to throw when a backend call for `op` failed with `e`: a JavaScript RangeError (a typed array or
 * wasm memory that cannot be allocated) becomes a BackendError naming the op, so running out of memory
 * below MAX_ELEMENTS reads the same on every backend; anything else is rethrown as it is. `what` names
 * what was allocated; callers catch and call this themselves, so a kernel call makes no closures for it
 * (every kernel call passes through here).
 */
export function allocationError(op: string, e: unknown, what: string): unknown {
  return e instanceof RangeError ? new BackendError(op, `out of memory allocating ${what}: ${e.message}`) : e;
}

/**
 * `e` reported under `op` (unchanged when it is not a DendriteError or already names `op`); `note` adds
 * which op raised it.
 */
export function renamed(op: string, e: unknown, note = true): unknown {
  if (!(e instanceof DendriteError) || e.op === op) return e;
  const Class = e.constructor as new (op: string, message: string) => DendriteError;
  const out = new Class(op, note ? `${e.detail} (raised by ${e.op})` : e.detail);
  return out;
}
