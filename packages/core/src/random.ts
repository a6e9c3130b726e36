/**
 * Seeded, counter-based random numbers (Threefry-2x32, 20 rounds, as in Salmon et al. 2011 and JAX).
 * Every value is a pure function of (key, counter), computed in core and uploaded, so the same seed gives
 * bit-identical weights, dropout masks and shuffles on every backend.
 */
import type { DType } from './dtype.js';
import { ArgumentError } from './errors.js';
import { tensor } from './ops/creation.js';
import { checkShape, type Shape, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';
import { checkDType } from './validate.js';

/**
 * Threefry-2x32-20 block: two 32-bit outputs from a 64-bit key and a 64-bit counter. Written out round
 * by round (rotations 13 15 26 6 | 17 29 16 24, a key injection after every four): the loop over
 * rotation tables with a key array per call took 63 ns a block, 2048 blocks per 64×64 latent batch,
 * a third of a GAN step's noise time.
 */
export function threefry2x32(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  out: Uint32Array,
  at: number,
): void {
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  const ks2 = (k0 ^ k1 ^ 0x1bd11bda) >>> 0;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  // Arithmetic modulo 2^32 in int32 (| 0); rotl(x, r) = (x << r) | (x >>> (32 - r)).
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 1) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0;
  x1 = (x1 + ks0 + 2) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) | 0;
  x1 = (x1 + ks1 + 3) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) | 0;
  x1 = (x1 + ks2 + 4) | 0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks2) | 0;
  x1 = (x1 + ks0 + 5) | 0;
  out[at] = x0;
  out[at + 1] = x1;
}

/** Inverse error function (Giles 2010, single-precision branch pair), for truncated normals. */
function erfinv(x: number): number {
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [
      3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
      0.246640727, 1.50140941,
    ]) {
      p = c + p * w;
    }
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [
      0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
      2.83297682,
    ]) {
      p = c + p * w;
    }
  }
  return p * x;
}

function normalCdf(z: number): number {
  return 0.5 * (1 + erf64(z / Math.SQRT2));
}

/** erf via Numerical Recipes' erfc Chebyshev fit (relative error < 1.2e-7): enough for the bounds. */
function erf64(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t *
                            (0.27886807 +
                              t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

export interface RandomOptions {
  readonly dtype?: DType;
}

/**
 * A stream of random numbers from a seed. Each draw consumes counters in order, so the same sequence of
 * calls from the same seed gives the same values everywhere. `fork()` makes an independent stream.
 */
/** Where a stream is: its key and how many blocks it has used (`Rng.getState`, `Rng.setState`). */
export interface RngState {
  readonly key: readonly [number, number];
  readonly counter: number;
}

export class Rng {
  private k0: number;
  private k1: number;
  private counter = 0;

  constructor(seed: number | readonly [number, number] = 0) {
    if (typeof seed === 'number') {
      if (!Number.isFinite(seed)) throw new ArgumentError('Rng', `seed ${seed} must be a finite number`);
      const s = Math.trunc(Math.abs(seed));
      this.k0 = s >>> 0;
      this.k1 = Math.floor(s / 2 ** 32) >>> 0;
    } else {
      this.k0 = seed[0] >>> 0;
      this.k1 = seed[1] >>> 0;
    }
  }

  /** The stream's key and position: saved with a training run, restored with `setState`. */
  getState(): RngState {
    return { key: [this.k0, this.k1], counter: this.counter };
  }

  /**
   * Moves this stream to a saved state, in place: everything holding this Rng (layers' dropout, a
   * loop's shuffles) continues from there, drawing exactly what the saved run drew next.
   */
  setState(state: RngState): void {
    const ok =
      state !== null &&
      typeof state === 'object' &&
      Array.isArray(state.key) &&
      state.key.length === 2 &&
      state.key.every((k) => Number.isInteger(k) && k >= 0 && k < 2 ** 32) &&
      Number.isSafeInteger(state.counter) &&
      state.counter >= 0;
    if (!ok) {
      throw new ArgumentError(
        'Rng.setState',
        `expected { key: [two uint32], counter: a non-negative integer }, got ${JSON.stringify(state)}`,
      );
    }
    this.k0 = state.key[0];
    this.k1 = state.key[1];
    this.counter = state.counter;
  }

  /** A new stream at a saved state. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** `n` raw 32-bit words. */
  bits(n: number): Uint32Array {
    const blocks = Math.ceil(n / 2);
    const out = new Uint32Array(blocks * 2);
    for (let b = 0; b < blocks; b++) {
      const c = this.counter++;
      threefry2x32(this.k0, this.k1, c >>> 0, Math.floor(c / 2 ** 32) >>> 0, out, 2 * b);
    }
    return n === out.length ? out : out.subarray(0, n);
  }

  /** A new, independent stream (derived from this stream's key and position). */
  fork(): Rng {
    const w = this.bits(2);
    return new Rng([w[0], w[1]]);
  }

  /** Uniform float64 values in [0, 1) with 24 random bits (exactly representable in float32). */
  uniformValues(n: number): Float64Array {
    const b = this.bits(n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (b[i] >>> 8) / 16777216;
    return out;
  }

  normalValues(n: number): Float64Array {
    const b = this.bits(n + (n % 2));
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 2) {
      const u1 = ((b[i] >>> 8) + 1) / 16777216; // (0, 1]: log is finite
      const u2 = (b[i + 1] >>> 8) / 16777216;
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }

  uniform(shape: Shape, low = 0, high = 1): Tensor {
    checkShape('uniform', shape);
    finite('uniform', { low, high });
    if (!(high >= low)) throw new ArgumentError('uniform', `needs low <= high, got ${low}, ${high}`);
    const n = sizeOf(shape);
    const u = this.uniformValues(n);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = low + (high - low) * u[i];
    return tensor(v, shape, 'float32');
  }

  normal(shape: Shape, mean = 0, std = 1): Tensor {
    checkShape('normal', shape);
    meanAndStd('normal', mean, std);
    const z = this.normalValues(sizeOf(shape));
    const v = new Float32Array(z.length);
    for (let i = 0; i < z.length; i++) v[i] = mean + std * z[i];
    return tensor(v, shape, 'float32');
  }

  /** Normal values conditioned on lying within `bound` standard deviations (default 2), by inverse CDF. */
  truncatedNormal(shape: Shape, mean = 0, std = 1, bound = 2): Tensor {
    checkShape('truncatedNormal', shape);
    meanAndStd('truncatedNormal', mean, std);
    if (!(bound > 0 && Number.isFinite(bound)))
      throw new ArgumentError('truncatedNormal', `bound ${String(bound)} must be a positive number`);
    const n = sizeOf(shape);
    const lo = normalCdf(-bound);
    const hi = normalCdf(bound);
    const u = this.uniformValues(n);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = lo + (hi - lo) * u[i];
      const z = Math.max(-bound, Math.min(bound, Math.SQRT2 * erfinv(2 * p - 1)));
      v[i] = mean + std * z;
    }
    return tensor(v, shape, 'float32');
  }

  /** 1 with probability `p`, else 0 (float32, or bool with `{ dtype: 'bool' }`). */
  bernoulli(shape: Shape, p = 0.5, options: RandomOptions = {}): Tensor {
    checkShape('bernoulli', shape);
    if (!(p >= 0 && p <= 1)) throw new ArgumentError('bernoulli', `p ${p} must be in [0, 1]`);
    const n = sizeOf(shape);
    const u = this.uniformValues(n);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = u[i] < p ? 1 : 0;
    checkDType('bernoulli', options.dtype ?? 'float32');
    return tensor(v, shape, options.dtype ?? 'float32');
  }

  /** Integers uniform in [low, high) (int32). */
  randint(shape: Shape, low: number, high: number): Tensor {
    checkShape('randint', shape);
    if (!(Number.isInteger(low) && Number.isInteger(high) && high > low)) {
      throw new ArgumentError('randint', `needs integers low < high, got ${low}, ${high}`);
    }
    const n = sizeOf(shape);
    const u = this.uniformValues(n);
    const v = new Int32Array(n);
    for (let i = 0; i < n; i++) v[i] = low + Math.floor(u[i] * (high - low));
    return tensor(v, shape, 'int32');
  }

  /** A random permutation of 0..n-1 (Fisher–Yates), as plain numbers for indexing on the host. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    const u = this.uniformValues(n);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(u[i] * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/**
 * Distribution parameters must be finite numbers: a mistyped call (`normal(shape, { std })`) would
 * otherwise fill the tensor with NaN silently.
 */
function finite(op: string, params: Record<string, unknown>): void {
  for (const [name, v] of Object.entries(params)) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ArgumentError(
        op,
        `${name} must be a finite number, got ${typeof v === 'number' ? v : typeof v}`,
      );
  }
}

function meanAndStd(op: string, mean: unknown, std: unknown): void {
  finite(op, { mean, std });
  if ((std as number) < 0) throw new ArgumentError(op, `std must be >= 0, got ${std as number}`);
}

let defaultRng = new Rng(0);

/** Re-seeds the default stream used by the `random*` functions. */
export function setSeed(seed: number): void {
  defaultRng = new Rng(seed);
}

export function getDefaultRng(): Rng {
  return defaultRng;
}

export const randomUniform = (shape: Shape, low = 0, high = 1, rng: Rng = defaultRng): Tensor =>
  rng.uniform(shape, low, high);
export const randomNormal = (shape: Shape, mean = 0, std = 1, rng: Rng = defaultRng): Tensor =>
  rng.normal(shape, mean, std);
export const truncatedNormal = (shape: Shape, mean = 0, std = 1, rng: Rng = defaultRng): Tensor =>
  rng.truncatedNormal(shape, mean, std);
export const bernoulli = (shape: Shape, p = 0.5, rng: Rng = defaultRng): Tensor => rng.bernoulli(shape, p);
