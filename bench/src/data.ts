/** Seeded data shared by every peer: Float32Arrays made with Dendrite's Rng, uploaded to each library. */
import type { Rng } from '@dendrite/core';

export function normalValues(rng: Rng, n: number): Float32Array {
  return Float32Array.from(rng.normalValues(n));
}

/** Glorot-uniform weights (Keras' default dense and conv initialisation). */
export function glorotValues(rng: Rng, n: number, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from(rng.uniformValues(n), (u) => (2 * u - 1) * limit);
}

/** Integer class labels in [0, classes). */
export function labelValues(rng: Rng, n: number, classes: number): Int32Array {
  return Int32Array.from(rng.bits(n), (b) => b % classes);
}

/** One-hot rows, so both libraries get the exact same float targets. */
export function oneHotValues(labels: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((c, i) => {
    out[i * classes + c] = 1;
  });
  return out;
}

export interface ParamSpec {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A dense layer's weight [fanIn, fanOut] (Glorot) and bias [fanOut] (zeros). */
export function denseParams(rng: Rng, fanIn: number, fanOut: number): ParamSpec[] {
  return [
    { shape: [fanIn, fanOut], values: glorotValues(rng, fanIn * fanOut, fanIn, fanOut) },
    { shape: [fanOut], values: new Float32Array(fanOut) },
  ];
}

/** A conv layer's HWIO filter (Glorot over receptive fields) and bias (zeros). */
export function convParams(rng: Rng, k: number, cin: number, cout: number): ParamSpec[] {
  const n = k * k * cin * cout;
  return [
    { shape: [k, k, cin, cout], values: glorotValues(rng, n, k * k * cin, k * k * cout) },
    { shape: [cout], values: new Float32Array(cout) },
  ];
}
