/**
 * A single-layer LSTM over `[batch, time, features]`: kernel `[in, 4h]`, recurrent kernel `[h, 4h]`, one
 * bias `[4h]`, gate blocks in PyTorch's order i, f, g, o. Each step is core's `lstmCell`, so a backend's
 * fused cell is used when it has one, and autograd differentiates through time.
 */
import {
  add,
  concat,
  DTypeError,
  lstmCell,
  matmul,
  reshape,
  type Shape,
  ShapeError,
  slice,
  stack,
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
      const { y, h } = this.run(x);
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

  private run(x: Tensor, initial: Partial<LSTMState> = {}): LSTMResult {
    const [batch, steps] = x.shape;
    const hidden = this.hiddenSize;
    this.checkState('h', initial.h, batch);
    this.checkState('c', initial.c, batch);
    return tidy(() => {
      // The input projection of every step in one product: [B, T, in] @ [in, 4H] + b.
      const projected = reshape(
        add(matmul(reshape(x, [batch * steps, this.inputSize]), this.kernel.value), this.bias.value),
        [batch, steps, 4 * hidden],
      );
      let h = initial.h ?? zeros([batch, hidden]);
      let c = initial.c ?? zeros([batch, hidden]);
      const hs: Tensor[] = [];
      for (let t = 0; t < steps; t++) {
        const xt = reshape(slice(projected, [0, t, 0], [batch, 1, 4 * hidden]), [batch, 4 * hidden]);
        const next = lstmCell(add(xt, matmul(h, this.recurrentKernel.value)), c);
        h = next.h;
        c = next.c;
        hs.push(h);
      }
      return { y: stack(hs, 1), h, c };
    });
  }
}
