/**
 * Typed errors. Each names the op, what it received and what it expected, so a user can fix the call
 * without reading Dendrite's source.
 */
export class DendriteError extends Error {
  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`);
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
  return `[${shape.join(', ')}]`;
}
