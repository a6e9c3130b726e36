/**
 * The architectures on offer: MLPs for the 2-D point sets, an MLP and a small CNN for the digits. Every
 * layer is named, so a model's state dict has the same keys on every backend (what a backend switch
 * carries over) and the activation view can list the layers by name.
 */
import * as d from '@dendrite/core';
import { Conv2D, Dense, Flatten, MaxPool2D, type Module, Sequential } from '@dendrite/layers';

export interface Architecture {
  readonly label: string;
  /** Which kind of data set it takes. */
  readonly input: 'points' | 'digits';
  /** How a batch of `n` samples is shaped for it. */
  readonly inputShape: (n: number) => number[];
  build(classes: number, seed: number): Sequential;
}

const dense = (name: string, i: number, o: number, activation: string | undefined, rng: d.Rng) =>
  new Dense(i, o, { name, rng, ...(activation ? { activation } : {}) });

function mlpOf(sizes: readonly number[], activation: string, input: 'points' | 'digits'): Architecture {
  return {
    label: `MLP ${sizes.join('-')}${input === 'points' ? '-2' : '-10'} (${activation})`,
    input,
    inputShape: (n) => [n, sizes[0]],
    build(classes, seed) {
      const rng = new d.Rng(seed);
      const layers: Record<string, Module> = {};
      for (let i = 1; i < sizes.length; i++) {
        layers[`dense${i}`] = dense(`dense${i}`, sizes[i - 1], sizes[i], activation, rng);
      }
      layers.logits = dense('logits', sizes[sizes.length - 1], classes, undefined, rng);
      return new Sequential(layers);
    },
  };
}

/** conv 3×3×8 (same) → max-pool 2 → conv 3×3×16 (same) → max-pool 2 → dense 10, on [n, 8, 8, 1]. */
const smallCnn: Architecture = {
  label: 'CNN conv8-pool-conv16-pool-10',
  input: 'digits',
  inputShape: (n) => [n, 8, 8, 1],
  build(classes, seed) {
    const rng = new d.Rng(seed);
    return new Sequential({
      conv1: new Conv2D(1, 8, 3, { name: 'conv1', padding: 'same', activation: 'relu', rng }),
      pool1: new MaxPool2D(2, { name: 'pool1' }),
      conv2: new Conv2D(8, 16, 3, { name: 'conv2', padding: 'same', activation: 'relu', rng }),
      pool2: new MaxPool2D(2, { name: 'pool2' }),
      flatten: new Flatten({ name: 'flatten' }),
      logits: dense('logits', 2 * 2 * 16, classes, undefined, rng),
    });
  },
};

export const ARCHITECTURES = {
  'mlp-8': mlpOf([2, 8], 'tanh', 'points'),
  'mlp-16-16': mlpOf([2, 16, 16], 'tanh', 'points'),
  'mlp-32-32-32': mlpOf([2, 32, 32, 32], 'relu', 'points'),
  'digits-mlp': mlpOf([64, 64], 'relu', 'digits'),
  'digits-cnn': smallCnn,
} as const satisfies Record<string, Architecture>;
export type ArchitectureName = keyof typeof ARCHITECTURES;
