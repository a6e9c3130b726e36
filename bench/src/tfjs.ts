/** Peer adapter for TensorFlow.js 4.22 (cpu and wasm backends in Node), and its SGD training step. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients itself and ships them as ESM only, which Node cannot load from that
// package; tsup bundles them into dist (as the @tensorflow/tfjs union package does) and they register
// into tfjs's global registry.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { ParamSpec } from './data.js';
import type { Peer, PeerId, Step } from './types.js';

// Production mode skips tfjs's debug checks (as a deployed app would) and its "install tfjs-node" banner.
tf.enableProdMode();

async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (await tf.setBackend(name)) return;
  if (name === 'wasm') {
    // Under Node the wasm backend normally finds its .wasm files beside its own module; if it did not,
    // point it at the package's dist folder explicitly and try once more.
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    if (await tf.setBackend(name)) return;
  }
  throw new Error(`tfjs backend '${name}' failed to initialise`);
}

export async function createTfjsPeer(backend: 'cpu' | 'wasm'): Promise<Peer> {
  await useBackend(backend);
  const id: PeerId = backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm';
  return {
    id,
    library: 'tfjs',
    version: tf.version_core,
    activate: async () => {
      if (tf.getBackend() !== backend) await useBackend(backend);
    },
    liveTensors: () => tf.memory().numTensors,
  };
}

/**
 * One SGD step per `run` with tfjs's own optimizer (`minimize` = variableGrads + applyGradients).
 * `constants` (inputs, targets) are freed on dispose.
 */
export function tfjsSgdStep(
  specs: readonly ParamSpec[],
  loss: (params: tf.Variable[]) => tf.Scalar,
  lr: number,
  constants: readonly tf.Tensor[],
): Step {
  // Copies: the cpu backend keeps the array it is given, and the specs are shared with other peers.
  const vars = specs.map((p) => tf.tidy(() => tf.variable(tf.tensor(p.values.slice(), [...p.shape]))));
  const opt = tf.train.sgd(lr);
  return {
    run: async () => {
      const cost = opt.minimize(() => loss(vars), true, vars);
      if (!cost) throw new Error('minimize returned no cost');
      const v = await cost.data();
      cost.dispose();
      return v[0];
    },
    dispose: () => {
      tf.dispose([...vars, ...constants]);
      opt.dispose();
    },
  };
}
