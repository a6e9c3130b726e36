/**
 * The seeded initial weights of a whole network, named by the dotted paths of the Dendrite architecture
 * (`layer1.0.conv1.kernel`, `features.norm5.gamma`), so that every peer starts from the same weights:
 * Dendrite loads them into its module with `loadStateDict`, tfjs makes its variables from them by name.
 */
import type { Rng } from '@dendrite/core';
import { denseParams, glorotValues, type ParamSpec } from './data.js';

export interface NamedSpec {
  readonly name: string;
  readonly spec: ParamSpec;
}

export interface ModelSpec {
  /** Trainable parameters, in the order they were added. */
  readonly params: readonly NamedSpec[];
  /** Paths of the BatchNorm layers and their channels; running statistics start at mean 0, variance 1. */
  readonly batchNorms: readonly { readonly path: string; readonly channels: number }[];
}

/** Adds parameters layer by layer, drawing from one seeded stream (the order fixes the values). */
export class ModelSpecBuilder {
  private readonly params: NamedSpec[] = [];
  private readonly batchNorms: { path: string; channels: number }[] = [];

  constructor(private readonly rng: Rng) {}

  private add(name: string, spec: ParamSpec): this {
    this.params.push({ name, spec });
    return this;
  }

  /** A convolution without bias: HWIO kernel, He normal (std √(2 / fan-in)), the architectures' default. */
  conv(path: string, k: number, cin: number, cout: number): this {
    const std = Math.sqrt(2 / (k * k * cin));
    const values = Float32Array.from(this.rng.normalValues(k * k * cin * cout), (z) => z * std);
    return this.add(`${path}.kernel`, { shape: [k, k, cin, cout], values });
  }

  /** BatchNorm: gamma 1, beta 0. */
  batchNorm(path: string, channels: number): this {
    this.batchNorms.push({ path, channels });
    this.add(`${path}.gamma`, { shape: [channels], values: new Float32Array(channels).fill(1) });
    return this.add(`${path}.beta`, { shape: [channels], values: new Float32Array(channels) });
  }

  /** Dense: kernel `[in, out]` Glorot uniform, bias zeros. */
  dense(path: string, fanIn: number, fanOut: number): this {
    const [kernel, bias] = denseParams(this.rng, fanIn, fanOut);
    return this.add(`${path}.kernel`, kernel).add(`${path}.bias`, bias);
  }

  /**
   * LSTM: kernel `[in, 4h]` and recurrent kernel `[h, 4h]` Glorot uniform, bias `[4h]` zeros but 1 in the
   * forget gate's block (gates i, f, g, o), as Dendrite's LSTM and Keras start.
   */
  lstm(path: string, inputSize: number, hidden: number): this {
    const h4 = 4 * hidden;
    const bias = new Float32Array(h4);
    bias.fill(1, hidden, 2 * hidden);
    return this.add(`${path}.kernel`, {
      shape: [inputSize, h4],
      values: glorotValues(this.rng, inputSize * h4, inputSize, h4),
    })
      .add(`${path}.recurrentKernel`, {
        shape: [hidden, h4],
        values: glorotValues(this.rng, hidden * h4, hidden, h4),
      })
      .add(`${path}.bias`, { shape: [h4], values: bias });
  }

  build(): ModelSpec {
    return { params: [...this.params], batchNorms: [...this.batchNorms] };
  }
}
