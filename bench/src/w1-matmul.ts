/** W1: square matmul, N = 128, 256, 512, 1024; GFLOPS = 2·N³ / s. */
import { matmul, Rng } from '@dendrite/core';
import * as tf from '@tensorflow/tfjs-core';
import { normalValues } from './data.js';
import { upload } from './dendrite.js';
import { jaxMatmulStep } from './jaxjs.js';
import type { BenchCase, Workload } from './types.js';

function matmulCase(n: number): BenchCase {
  return {
    label: `N=${n}`,
    work: (2 * n ** 3) / 1e9,
    prepare: () => {
      const rng = new Rng(1000 + n);
      const a = normalValues(rng, n * n);
      const b = normalValues(rng, n * n);
      return {
        dendrite: () => {
          const [ta, tb] = [upload(a, [n, n]), upload(b, [n, n])];
          return {
            run: async () => {
              const y = matmul(ta, tb);
              const v = await y.data();
              y.dispose();
              return v[0];
            },
            dispose: () => {
              ta.dispose();
              tb.dispose();
            },
          };
        },
        tfjs: () => {
          const [ta, tb] = [tf.tensor2d(a.slice(), [n, n]), tf.tensor2d(b.slice(), [n, n])];
          return {
            run: async () => {
              const y = tf.matMul(ta, tb);
              const v = await y.data();
              y.dispose();
              return v[0];
            },
            dispose: () => tf.dispose([ta, tb]),
          };
        },
        jax: () => jaxMatmulStep(a, b, n),
      };
    },
  };
}

export const w1: Workload = {
  id: 'W1',
  title: 'square matmul',
  unit: 'GFLOPS',
  cases: [128, 256, 512, 1024].map(matmulCase),
};
