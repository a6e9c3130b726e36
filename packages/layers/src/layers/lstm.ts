/**
 * A single-layer LSTM over `[batch, time, features]`: kernel `[in, 4h]`, recurrent kernel `[h, 4h]`, one
 * bias `[4h]`, gate blocks in PyTorch's order i, f, g, o. The whole sequence is core's `lstmSequence`: one
 * op on the tape whose gradient runs back-propagation through time directly (each step is `lstmCell`,
 * so a backend's fused cell is used when it has one).
 */
import {
  concat,
  DTypeError,
  lstmSequence,
  type Shape,
  ShapeError,
  type Tensor,
  tidy,
  zeros,
} from '@dendrite/core';
import { type InitializerSpec, initialize, ones } from '../initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { expectSize, fmtShape, type LayerOptions, rngOf } from './layer-options.js';

export interface LSTMOptions extends LayerOptions {
  /** What `forward` returns: every step's hidden state `[B, T, H]` (default) or the last one `[B, H]`. */
  readonly returnSequences?: boolean;
  /** Default `glorotUniform`. */
  readonly kernelInitializer?: InitializerSpec;
  /** Default `glorotUniform`. */
  readonly recurrentInitializer?: InitializerSpec;
  /** Default zeros, with the forget gate's block set to 1 (see `unitForgetBias`). */
  readonly biasInitializer?: InitializerSpec;
  /** Start the forget-gate bias at 1 so early training remembers (default true, as Keras). */
  readonly unitForgetBias?: boolean;
}

export interface LSTMState {
  /** Hidden state `[B, H]`. */
  readonly h: Tensor;
  /** Cell state `[B, H]`. */
  readonly c: Tensor;
}

export interface LSTMResult extends LSTMState {
  /** Every step's hidden state, `[B, T, H]`. */
  readonly y: Tensor;
}

export class LSTM extends Module {
  readonly kernel: Parameter;
  readonly recurrentKernel: Parameter;
  readonly bias: Parameter;
  readonly returnSequences: boolean;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: LSTMOptions = {},
  ) {
    super('LSTM', options.name);
    expectSize(this.label, 'inputSize', inputSize);
    expectSize(this.label, 'hiddenSize', hiddenSize);
    this.returnSequences = options.returnSequences ?? true;
    const rng = rngOf(options);
    const h4 = 4 * hiddenSize;
    this.kernel = this.addParameter(
      'kernel',
      initialize(options.kernelInitializer ?? 'glorotUniform', [inputSize, h4], rng),
    );
    this.recurrentKernel = this.addParameter(
      'recurrentKernel',
      initialize(options.recurrentInitializer ?? 'glorotUniform', [hiddenSize, h4], rng),
    );
    const bias = options.biasInitializer
      ? initialize(options.biasInitializer, [h4], rng)
      : (options.unitForgetBias ?? true)
        ? tidy(() => {
            const z = zeros([hiddenSize]);
            return concat([z, initialize(ones, [hiddenSize], rng), z, z], 0);
          })
        : zeros([h4]);
    this.bias = this.addParameter('bias', bias);
  }

  outputShape(inputShape: Shape): Shape {
    this.checkSequenceShape(inputShape);
    const [b, t] = inputShape;
    return this.returnSequences ? [b, t, this.hiddenSize] : [b, this.hiddenSize];
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => {
      // Without returnSequences only the last state is sliced out: no [B, T, H] tensor is made.
      const { y, h } = this.run(x, {}, this.returnSequences);
      return this.returnSequences ? y : h;
    });
  }

  /**
   * The whole result: every step's hidden state and the final `h` and `c`, from `initial` (zeros when
   * not given). Runs the forward hooks with `y` as the output.
   */
  forwardWithState(x: Tensor, initial?: Partial<LSTMState>): LSTMResult {
    this.assertLive();
    x.assertLive(this.label);
    this.checkInput(x);
    const result = this.run(x, initial);
    this.runHooks(x, result.y);
    return result;
  }

  private checkSequenceShape(inputShape: Shape): void {
    if (inputShape.length !== 3 || inputShape[2] !== this.inputSize) {
      throw new ShapeError(
        this.label,
        `expected input [batch, time, ${this.inputSize}], got ${fmtShape(inputShape)}`,
      );
    }
    if (inputShape[1] < 1)
      throw new ShapeError(this.label, `needs at least one time step, got ${fmtShape(inputShape)}`);
  }

  private checkState(name: string, t: Tensor | undefined, batch: number): void {
    if (!t) return;
    if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== this.hiddenSize) {
      throw new ShapeError(
        this.label,
        `initial ${name} ${fmtShape(t.shape)} must be [${batch}, ${this.hiddenSize}] (batch, hidden)`,
      );
    }
    if (t.dtype !== 'float32')
      throw new DTypeError(this.label, `initial ${name} is ${t.dtype}; expected float32`);
  }

  private run(x: Tensor, initial: Partial<LSTMState> = {}, returnSequences = true): LSTMResult {
    this.checkState('h', initial.h, x.shape[0]);
    this.checkState('c', initial.c, x.shape[0]);
    const { y, h, c } = lstmSequence(
      x,
      this.kernel.value,
      this.recurrentKernel.value,
      this.bias.value,
      initial.h ?? null,
      initial.c ?? null,
      returnSequences,
    );
    return { y: y ?? h, h, c };
  }
}
