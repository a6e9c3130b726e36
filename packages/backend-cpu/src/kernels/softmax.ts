/** Fused row kernels: softmax / log-softmax along an axis, and bias + activation after a matmul. */
import type { FusedActivation, Shape } from '@dendrite/core';
import { binary } from './binary.js';

function layout(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

function softmaxInto(x: Float32Array, shape: Shape, axis: number, log: boolean): Float32Array {
  const [outer, n, inner] = layout(shape, axis);
  const out = new Float32Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
      if (log) {
        const lse = m + Math.log(s);
        for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner] - lse;
      } else {
        for (let k = 0; k < n; k++) out[base + k * inner] = Math.exp(x[base + k * inner] - m) / s;
      }
    }
  }
  return out;
}

export function softmax(x: Float32Array, shape: Shape, axis: number): Float32Array {
  return softmaxInto(x, shape, axis, false);
}

export function logSoftmax(x: Float32Array, shape: Shape, axis: number): Float32Array {
  return softmaxInto(x, shape, axis, true);
}

/** In place: `y = act(y + bias)`, bias broadcast along the last axis (or any broadcastable shape). */
export function addBiasActivate(
  y: Float32Array,
  shape: Shape,
  bias: Float32Array | null,
  biasShape: Shape | null,
  activation: FusedActivation,
): void {
  const n = shape[shape.length - 1] ?? 1;
  if (bias) {
    if (
      biasShape &&
      bias.length === n &&
      (biasShape.length === 1 || biasShape.every((d, i) => i === biasShape.length - 1 || d === 1))
    ) {
      for (let o = 0; o < y.length; o += n) for (let j = 0; j < n; j++) y[o + j] += bias[j];
    } else if (bias.length === 1) {
      for (let i = 0; i < y.length; i++) y[i] += bias[0];
    } else {
      // Any other broadcastable bias: the general broadcasting add, in place (y has the output's shape).
      binary('add', y, shape, bias, biasShape ?? [bias.length], y, shape, false);
    }
  }
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0; // NaN stays NaN, as relu(NaN)
      return;
    case 'relu6':
      for (let i = 0; i < y.length; i++) y[i] = y[i] < 0 ? 0 : Math.min(y[i], 6);
      return;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-y[i]));
      return;
    case 'tanh':
      for (let i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]);
      return;
  }
}
