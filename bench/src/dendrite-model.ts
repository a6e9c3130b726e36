/**
 * Dendrite's side of the network workloads, as a user writes it: an architecture of
 * `@dendrite/architectures`, the shared initial weights loaded with `loadStateDict`, and `gradientStep`
 * with an optimizer of `@dendrite/optim`.
 */
import { gradientStep } from '@dendrite/architectures';
import { dispose, scalar, type Tensor, tensor } from '@dendrite/core';
import { crossEntropy, type Module, type Parameter } from '@dendrite/layers';
import type { Optimizer } from '@dendrite/optim';
import type { ModelSpec } from './model-spec.js';
import { readFirst } from './read-back.js';
import type { Step } from './types.js';

/**
 * Replaces every parameter and buffer of `model` with the spec's (strict: a name or shape that does not
 * match the architecture is an error, so the peers cannot silently start from different weights).
 */
export function loadModelSpec(model: Module, spec: ModelSpec): void {
  const state: Record<string, Tensor> = {};
  for (const { name, spec: p } of spec.params) state[name] = tensor(p.values, p.shape);
  for (const { path, channels } of spec.batchNorms) {
    state[`${path}.runningMean`] = tensor(new Float32Array(channels), [channels]);
    state[`${path}.runningVar`] = tensor(new Float32Array(channels).fill(1), [channels]);
    state[`${path}.numBatchesTracked`] = scalar(0, 'int32');
  }
  try {
    model.loadStateDict(state);
  } finally {
    // The module keeps its own handles on the storage.
    dispose(Object.values(state));
  }
}

/** One `gradientStep` per `run`, reading the loss back. The model, optimizer and `constants` are freed on dispose. */
export function dendriteTrainStep(
  model: Module,
  optimizer: Optimizer,
  loss: () => Tensor,
  constants: readonly Tensor[],
): Step {
  return {
    run: () => readFirst(gradientStep(model, loss, optimizer)),
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      dispose([...constants]);
    },
  };
}

/**
 * A classifier's train step on one fixed batch: the model gets the spec's weights, the loss is softmax
 * cross-entropy of `model.forward(x)` against integer `labels`.
 */
export function dendriteClassifierStep(
  model: Module,
  spec: ModelSpec,
  makeOptimizer: (params: Parameter[]) => Optimizer,
  x: Float32Array,
  xShape: readonly number[],
  labels: Int32Array,
): Step {
  loadModelSpec(model, spec);
  const optimizer = makeOptimizer(model.trainableParameters());
  const tx = tensor(x, xShape);
  const tl = tensor(labels, [labels.length], 'int32');
  return dendriteTrainStep(model, optimizer, () => crossEntropy(model.forward(tx), tl), [tx, tl]);
}
