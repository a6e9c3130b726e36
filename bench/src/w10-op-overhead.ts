/**
 * W10: per-op overhead: a loop of small ops, each on the previous result (so a lazy library must run
 * them all) and freed once used; µs per op. An add of two 16-element vectors is nearly all dispatch; a
 * 64×64 matmul (by a permutation matrix, so the chain stays exact and finite) adds a little arithmetic.
 */
import { add, matmul, Rng, type Tensor, tensor } from '@dendrite/core';
import * as tf from '@tensorflow/tfjs-core';
import { normalValues } from './data.js';
import { readChain } from './read-back.js';
import type { BenchCase, Step, Workload } from './types.js';

type Shape = [number, number];

/** A case of `ops` chained binary ops `y ← op(y, b)` from `y = a`, reading the last result back. */
function chainCase(
  label: string,
  ops: number,
  make: (rng: Rng) => { a: Float32Array; b: Float32Array; aShape: Shape; bShape: Shape },
  dendriteOp: (y: Tensor, b: Tensor) => Tensor,
  tfjsOp: (y: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): BenchCase {
  return {
    label,
    work: ops,
    prepare: () => {
      const { a, b, aShape, bShape } = make(new Rng(10_000 + ops));
      return {
        dendrite: (): Step => {
          const [ta, tb] = [tensor(a, aShape), tensor(b, bShape)];
          return {
            run: () => readChain(ta, ops, (y) => dendriteOp(y, tb)),
            dispose: () => {
              ta.dispose();
              tb.dispose();
            },
          };
        },
        tfjs: (): Step => {
          const [ta, tb] = [tf.tensor(a.slice(), aShape), tf.tensor(b.slice(), bShape)];
          return {
            run: () => readChain(ta, ops, (y) => tfjsOp(y, tb)),
            dispose: () => tf.dispose([ta, tb]),
          };
        },
      };
    },
  };
}

/** A random 64×64 permutation matrix: a full matmul whose chained products stay exact. */
function permutationMatrix(rng: Rng, n: number): Float32Array {
  const order = Array.from(rng.bits(n), (bits, i) => [bits, i]).sort((p, q) => p[0] - q[0]);
  const m = new Float32Array(n * n);
  order.forEach(([, col], row) => {
    m[row * n + col] = 1;
  });
  return m;
}

const ADD_OPS = 1000;
const MATMUL_OPS = 200;
const N = 64;

export const w10: Workload = {
  id: 'W10',
  title: 'per-op overhead',
  unit: 'µs/op',
  cases: [
    chainCase(
      'add 16',
      ADD_OPS,
      (rng) => ({ a: normalValues(rng, 16), b: normalValues(rng, 16), aShape: [1, 16], bShape: [1, 16] }),
      add,
      tf.add,
    ),
    chainCase(
      'matmul 64',
      MATMUL_OPS,
      (rng) => ({
        a: normalValues(rng, N * N),
        b: permutationMatrix(rng, N),
        aShape: [N, N],
        bShape: [N, N],
      }),
      matmul,
      (y, b) => tf.matMul(y as tf.Tensor2D, b as tf.Tensor2D),
    ),
  ],
};
