/** W2: conv2d forward, NHWC [8, 32, 32, 64] ⊛ 3×3×64×64, stride 1, same padding, no bias; GFLOPS. */
import { conv2d, Rng } from '@dendrite/core';
import * as tf from '@tensorflow/tfjs-core';
import { normalValues } from './data.js';
import { upload } from './dendrite.js';
import type { Workload } from './types.js';

const X: [number, number, number, number] = [8, 32, 32, 64];
const F: [number, number, number, number] = [3, 3, 64, 64];

export const w2: Workload = {
  id: 'W2',
  title: 'conv2d forward',
  unit: 'GFLOPS',
  cases: [
    {
      label: '',
      work: (2 * 8 * 32 * 32 * 64 * 64 * 9) / 1e9,
      prepare: () => {
        const rng = new Rng(2000);
        const x = normalValues(
          rng,
          X.reduce((p, d) => p * d),
        );
        const f = normalValues(
          rng,
          F.reduce((p, d) => p * d),
        );
        return {
          dendrite: () => {
            const [tx, tf_] = [upload(x, X), upload(f, F)];
            return {
              run: async () => {
                const y = conv2d(tx, tf_, { padding: 'same' });
                const v = await y.data();
                y.dispose();
                return v[0];
              },
              dispose: () => {
                tx.dispose();
                tf_.dispose();
              },
            };
          },
          tfjs: () => {
            const [tx, tfl] = [tf.tensor4d(x.slice(), X), tf.tensor4d(f.slice(), F)];
            return {
              run: async () => {
                const y = tf.conv2d(tx, tfl, 1, 'same');
                const v = await y.data();
                y.dispose();
                return v[0];
              },
              dispose: () => tf.dispose([tx, tfl]),
            };
          },
        };
      },
    },
  ],
};
