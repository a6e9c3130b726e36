/**
 * A stacked (deep) autoencoder: an encoder of Dense layers narrowing to a code and a mirrored decoder,
 * `x -> code -> reconstruction`. With a `corruption` it is a denoising autoencoder (Vincent et al.
 * 2010): in training mode its input is corrupted and the loss compares the reconstruction with the clean
 * input. `pretrainGreedy` trains it layer by layer first (Bengio et al. 2007; Hinton & Salakhutdinov
 * 2006).
 */
import { ArgumentError, noGrad, type Shape, type Tensor, tidy } from '@dendrite/core';
import {
  type ActivationSpec,
  combineDescriptions,
  Dense,
  type LayerDescription,
  Module,
  meanSquaredError,
  Sequential,
} from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { describeChain } from '../chain.js';
import { type Corruption, InputCorruption } from './input-corruption.js';

export interface AutoencoderOptions extends BuildOptions {
  /** Sizes from the input to the code, e.g. `[64, 32, 16]`: 64 -> 32 -> 16 -> 32 -> 64. */
  readonly sizes: readonly number[];
  /** Of the hidden layers (default 'sigmoid'). */
  readonly activation?: ActivationSpec;
  /** Of the code layer (default: `activation`). */
  readonly codeActivation?: ActivationSpec;
  /** Of the reconstruction (default 'sigmoid', for inputs in [0, 1]; null: linear). */
  readonly outputActivation?: ActivationSpec | null;
  /** Makes it a denoising autoencoder: the input is corrupted in training mode. */
  readonly corruption?: Corruption;
}

export class StackedAutoencoder extends Module {
  /** `dense1 … denseL`: input -> code. */
  readonly encoder: Sequential;
  /** `dense1 … denseL`: code -> reconstruction. */
  readonly decoder: Sequential;
  /** Applied to the input in training mode (denoising); null for a plain autoencoder. */
  readonly corruption: InputCorruption | null;
  readonly sizes: readonly number[];

  constructor(options: AutoencoderOptions) {
    super('StackedAutoencoder', options.name ?? 'autoencoder');
    const sizes = [...options.sizes];
    if (sizes.length < 2) {
      throw new ArgumentError(this.label, `sizes needs the input and at least one code size, got [${sizes}]`);
    }
    sizes.forEach((s, i) => {
      expectPositiveInteger(this.label, `sizes[${i}]`, s);
    });
    this.sizes = sizes;
    const activation = options.activation ?? 'sigmoid';
    const common = {
      rng: options.rng,
      ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
    };
    const layers = sizes.length - 1;
    const encoder: Dense[] = [];
    const decoder: Dense[] = [];
    for (let i = 0; i < layers; i++) {
      const isCode = i + 1 === layers;
      encoder.push(
        new Dense(sizes[i], sizes[i + 1], {
          ...common,
          activation: isCode ? (options.codeActivation ?? activation) : activation,
        }),
      );
    }
    for (let i = layers; i > 0; i--) {
      const isOutput = i === 1;
      const out = isOutput
        ? options.outputActivation === undefined
          ? 'sigmoid'
          : (options.outputActivation ?? undefined)
        : activation;
      decoder.push(new Dense(sizes[i], sizes[i - 1], { ...common, activation: out }));
    }
    this.corruption = options.corruption
      ? this.addChild('corruption', new InputCorruption(options.corruption, { rng: options.rng }))
      : null;
    const named = (list: Dense[]) => Object.fromEntries(list.map((d, i) => [`dense${i + 1}`, d]));
    this.encoder = this.addChild('encoder', new Sequential(named(encoder)));
    this.decoder = this.addChild('decoder', new Sequential(named(decoder)));
  }

  /** Number of encoder (and decoder) layers. */
  get depth(): number {
    return this.sizes.length - 1;
  }

  /** `[N, input]` -> `[N, code]` (never corrupted). */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }

  /** `[N, code]` -> `[N, input]`. */
  decode(code: Tensor): Tensor {
    return this.decoder.forward(code);
  }

  outputShape(inputShape: Shape): Shape {
    return this.decoder.outputShape(this.encoder.outputShape(inputShape));
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => this.decode(this.encode(this.corruption ? this.corruption.forward(x) : x)));
  }

  /** The training loss: mean squared error between the reconstruction of (corrupted) `x` and `x`. */
  loss(x: Tensor): Tensor {
    return tidy(() => meanSquaredError(this.forward(x), x));
  }

  /** Mean squared reconstruction error of clean `x`, without a graph and without corruption. */
  reconstructionError(x: Tensor): Tensor {
    return noGrad(() => tidy(() => meanSquaredError(this.decode(this.encode(x)), x)));
  }

  override describe(inputShape: Shape): LayerDescription {
    const steps: Module[] = this.corruption ? [this.corruption] : [];
    const { children, outputShape } = describeChain([...steps, this.encoder, this.decoder], inputShape);
    return combineDescriptions(this, inputShape, outputShape, children);
  }
}
