/**
 * Weight initializers. Each draws from the seeded core `Rng` it is given, so the same seed gives the same
 * weights on every backend. Fan-in and fan-out default to the layouts of this library (Dense `[in, out]`,
 * conv HWIO `[kh, kw, in, out]`: fans are in/out × kh × kw); layers whose layout differs pass their own.
 */
import { ArgumentError, full, type Rng, type Shape, type Tensor } from '@dendrite/core';

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

export interface InitContext extends Fans {
  readonly rng: Rng;
}

export type Initializer = (shape: Shape, context: InitContext) => Tensor;

/** Fans of a `[in, out]` matrix or an HWIO filter; a vector counts as fan-in = fan-out = its length. */
export function fansOf(shape: Shape): Fans {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((n, d) => n * d, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

const uniformWithLimit =
  (limit: (f: Fans) => number): Initializer =>
  (shape, c) => {
    const l = limit(c);
    return c.rng.uniform(shape, -l, l);
  };

const normalWithStd =
  (std: (f: Fans) => number): Initializer =>
  (shape, c) =>
    c.rng.normal(shape, 0, std(c));

/** Glorot/Xavier uniform: U(±√(6 / (fanIn + fanOut))). */
export const glorotUniform: Initializer = uniformWithLimit((f) => Math.sqrt(6 / (f.fanIn + f.fanOut)));
/** Glorot/Xavier normal (PyTorch's `xavier_normal_`): N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal: Initializer = normalWithStd((f) => Math.sqrt(2 / (f.fanIn + f.fanOut)));
/** He/Kaiming uniform for ReLU networks: U(±√(6 / fanIn)). */
export const heUniform: Initializer = uniformWithLimit((f) => Math.sqrt(6 / f.fanIn));
/** He/Kaiming normal: N(0, 2 / fanIn). */
export const heNormal: Initializer = normalWithStd((f) => Math.sqrt(2 / f.fanIn));
/** LeCun uniform (for SELU): U(±√(3 / fanIn)). */
export const lecunUniform: Initializer = uniformWithLimit((f) => Math.sqrt(3 / f.fanIn));
/** LeCun normal: N(0, 1 / fanIn). */
export const lecunNormal: Initializer = normalWithStd((f) => Math.sqrt(1 / f.fanIn));

export function constant(value: number): Initializer {
  return (shape) => full(shape, value);
}

export const zeros: Initializer = constant(0);
export const ones: Initializer = constant(1);

/** The textbook "small random numbers": U(±epsilon), independent of the fans. */
export function smallRandom(epsilon = 0.05): Initializer {
  if (!(epsilon > 0)) throw new ArgumentError('smallRandom', `epsilon ${epsilon} must be positive`);
  return uniformWithLimit(() => epsilon);
}

export function uniform(low: number, high: number): Initializer {
  if (!(high > low)) throw new ArgumentError('uniform', `needs low < high, got ${low}, ${high}`);
  return (shape, c) => c.rng.uniform(shape, low, high);
}

export function normal(mean = 0, std = 1): Initializer {
  if (!(std >= 0)) throw new ArgumentError('normal', `std ${std} must be non-negative`);
  return (shape, c) => c.rng.normal(shape, mean, std);
}

const NAMED = {
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  lecunUniform,
  lecunNormal,
  zeros,
  ones,
  smallRandom: smallRandom(),
} satisfies Record<string, Initializer>;

export type InitializerName = keyof typeof NAMED;
export type InitializerSpec = Initializer | InitializerName;

/** Resolves an initializer by name (`'heNormal'`…) or returns the function given. */
export function getInitializer(spec: InitializerSpec): Initializer {
  if (typeof spec === 'function') return spec;
  const init = (NAMED as Record<string, Initializer | undefined>)[spec];
  if (!init) {
    throw new ArgumentError(
      'getInitializer',
      `unknown initializer '${String(spec)}'; expected one of ${Object.keys(NAMED).join(', ')} or a function`,
    );
  }
  return init;
}

/** Draws a tensor of `shape` with `spec`, from `rng`, with the given (or layout-derived) fans. */
export function initialize(
  spec: InitializerSpec,
  shape: Shape,
  rng: Rng,
  fans: Fans = fansOf(shape),
): Tensor {
  return getInitializer(spec)(shape, { rng, ...fans });
}
