/**
 * TensorFlow.js's side of the network workloads: variables made from the shared weights (by the Dendrite
 * architecture's names), batch normalisation with running statistics as tfjs-layers keeps them, and a
 * training step with any tfjs optimizer (`minimize` = variableGrads + applyGradients).
 */
import * as tf from '@tensorflow/tfjs-core';
import { oneHotValues } from './data.js';
import type { ModelSpec } from './model-spec.js';
import { readFirst } from './read-back.js';
import type { Step } from './types.js';

/** Momentum and epsilon of Dendrite's BatchNorm (PyTorch's), so both peers compute the same thing. */
const BN_MOMENTUM = 0.1;
const BN_EPS = 1e-5;

export class TfjsModel {
  /** Trainable variables, in the spec's order. */
  readonly trainable: tf.Variable[];
  private readonly trainableNames: string[];
  private readonly byName = new Map<string, tf.Variable>();

  constructor(spec: ModelSpec) {
    // Copies: the cpu backend keeps the array it is given, and the specs are shared with other peers.
    const variable = (name: string, values: Float32Array, shape: readonly number[], trainable: boolean) => {
      const v = tf.tidy(() => tf.variable(tf.tensor(values.slice(), [...shape]), trainable));
      this.byName.set(name, v);
      return v;
    };
    this.trainable = spec.params.map(({ name, spec: p }) => variable(name, p.values, p.shape, true));
    this.trainableNames = spec.params.map(({ name }) => name);
    for (const { path, channels } of spec.batchNorms) {
      variable(`${path}.runningMean`, new Float32Array(channels), [channels], false);
      variable(`${path}.runningVar`, new Float32Array(channels).fill(1), [channels], false);
    }
  }

  /** A variable by the Dendrite architecture's name for it. */
  get(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new Error(`the tfjs model has no variable '${name}'`);
    return v;
  }

  /** The trainable variables of one part of the network (`generator.`), for an optimizer of its own. */
  trainableUnder(prefix: string): tf.Variable[] {
    return this.trainable.filter((_, i) => this.trainableNames[i].startsWith(prefix));
  }

  /**
   * Batch normalisation over all axes but the channels. In training it normalises with the batch's
   * statistics (gradients flow through them) and updates the running ones, as Dendrite's BatchNorm;
   * in evaluation it uses the running ones.
   */
  batchNorm<T extends tf.Tensor>(x: T, path: string, training: boolean): T {
    const [gamma, beta] = [this.get(`${path}.gamma`), this.get(`${path}.beta`)];
    const [runningMean, runningVar] = [this.get(`${path}.runningMean`), this.get(`${path}.runningVar`)];
    if (!training) return tf.batchNorm(x, runningMean, runningVar, beta, gamma, BN_EPS) as T;
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    const n = x.size / gamma.size;
    const m = BN_MOMENTUM;
    // The running variance takes the unbiased batch variance, as PyTorch and Dendrite.
    runningMean.assign(tf.add(tf.mul(runningMean, 1 - m), tf.mul(mean, m)));
    runningVar.assign(tf.add(tf.mul(runningVar, 1 - m), tf.mul(variance, (m * n) / (n - 1))));
    return tf.batchNorm(x, mean, variance, beta, gamma, BN_EPS) as T;
  }

  dispose(): void {
    tf.dispose([...this.byName.values()]);
  }
}

/**
 * One `optimizer.minimize` over the model's trainable variables per `run`, reading the loss back. The
 * model, the optimizer's state and `constants` are freed on dispose.
 */
export function tfjsTrainStep(
  model: TfjsModel,
  optimizer: tf.Optimizer,
  loss: () => tf.Scalar,
  constants: readonly tf.Tensor[],
): Step {
  return {
    run: async () => {
      const cost = optimizer.minimize(loss, true, model.trainable);
      if (!cost) throw new Error('minimize returned no cost');
      return readFirst(cost);
    },
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      tf.dispose([...constants]);
    },
  };
}

/**
 * A classifier's train step on one fixed NHWC image batch: softmax cross-entropy of `forward(x, model)`
 * against one-hot `labels`, the model's variables made from the spec.
 */
export function tfjsClassifierStep(
  spec: ModelSpec,
  forward: (x: tf.Tensor4D, model: TfjsModel) => tf.Tensor,
  optimizer: tf.Optimizer,
  x: Float32Array,
  xShape: [number, number, number, number],
  labels: Int32Array,
  classes: number,
): Step {
  const model = new TfjsModel(spec);
  const tx = tf.tensor4d(x.slice(), xShape);
  const ty = tf.tensor2d(oneHotValues(labels, classes), [labels.length, classes]);
  const loss = () => tf.losses.softmaxCrossEntropy(ty, forward(tx, model)) as tf.Scalar;
  return tfjsTrainStep(model, optimizer, loss, [tx, ty]);
}
