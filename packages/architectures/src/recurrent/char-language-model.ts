/**
 * A character-level language model (Karpathy's char-rnn): token ids -> embedding -> stacked LSTMs ->
 * logits over the vocabulary at every step, trained to predict the next character, and sampled one
 * character at a time with a temperature from a seeded `Rng`.
 */
import {
  ArgumentError,
  DTypeError,
  dispose,
  div,
  getDefaultRng,
  noGrad,
  type Rng,
  reshape,
  type Shape,
  ShapeError,
  slice,
  softmax,
  type Tensor,
  tensor,
  tidy,
} from '@dendrite/core';
import {
  combineDescriptions,
  crossEntropy,
  Dense,
  Embedding,
  type LayerDescription,
  type LSTM,
  type LSTMState,
  Module,
} from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { describeChain, fmtShape } from '../chain.js';
import { lstmStack } from './lstm-stack.js';

export interface CharLanguageModelOptions extends BuildOptions {
  readonly vocabularySize: number;
  /** Default 32. */
  readonly embeddingSize?: number;
  /** Default 128. */
  readonly hiddenSize?: number;
  /** Stacked LSTM layers (default 1). */
  readonly layers?: number;
}

export interface SampleOptions {
  /** Token ids to start from (at least one). */
  readonly prime: ArrayLike<number>;
  /** How many tokens to generate. */
  readonly length: number;
  /** Divides the logits: below 1 is more conservative, above 1 more varied (default 1). */
  readonly temperature?: number;
  /** Default core's global `Rng`. */
  readonly rng?: Rng;
}

export class CharLanguageModel extends Module {
  readonly vocabularySize: number;
  readonly embedding: Embedding;
  readonly lstms: readonly LSTM[];
  readonly head: Dense;

  constructor(options: CharLanguageModelOptions) {
    super('CharLanguageModel', options.name ?? 'char-lm');
    const op = this.label;
    this.vocabularySize = expectPositiveInteger(op, 'vocabularySize', options.vocabularySize);
    const embeddingSize = options.embeddingSize ?? 32;
    const hiddenSize = options.hiddenSize ?? 128;
    this.embedding = this.addChild(
      'embedding',
      new Embedding(this.vocabularySize, embeddingSize, { rng: options.rng }),
    );
    const stack = lstmStack(op, embeddingSize, hiddenSize, options.layers ?? 1, true, options);
    this.lstms = Object.entries(stack).map(([name, m]) => this.addChild(name, m as LSTM));
    this.head = this.addChild(
      'head',
      new Dense(hiddenSize, this.vocabularySize, {
        rng: options.rng,
        ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
      }),
    );
  }

  /** `[N, T]` token ids -> `[N, T, vocabularySize]` logits. */
  outputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 2 || inputShape[1] < 1) {
      throw new ShapeError(this.label, `expected token ids [N, T] with T >= 1, got ${fmtShape(inputShape)}`);
    }
    return [...inputShape, this.vocabularySize];
  }

  protected override checkInput(x: Tensor): void {
    if (x.dtype !== 'int32') {
      throw new DTypeError(this.label, `tokens are ${x.dtype}${fmtShape(x.shape)}; expected int32 ids`);
    }
    this.outputShape(x.shape);
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => this.run(x).logits);
  }

  /**
   * Logits `[N, T, V]` for tokens `[N, T]` starting from `states` (one per LSTM layer; zeros when absent),
   * and each layer's final state, to continue from.
   */
  run(tokens: Tensor, states?: readonly LSTMState[]): { logits: Tensor; states: LSTMState[] } {
    this.checkInput(tokens);
    if (states && states.length !== this.lstms.length) {
      throw new ArgumentError(
        this.label,
        `needs ${this.lstms.length} states (one per layer), got ${states.length}`,
      );
    }
    return tidy(() => {
      let h = this.embedding.forward(tokens);
      const next: LSTMState[] = [];
      this.lstms.forEach((lstm, i) => {
        const r = lstm.forwardWithState(h, states?.[i]);
        h = r.y;
        next.push({ h: r.h, c: r.c });
      });
      return { logits: this.head.forward(h), states: next };
    });
  }

  /**
   * Mean cross-entropy of predicting each next token of `tokens` `[N, T + 1]` from the ones before it
   * (the input is `tokens[:, :T]`, the target `tokens[:, 1:]`).
   */
  nextTokenLoss(tokens: Tensor): Tensor {
    if (tokens.rank !== 2 || tokens.shape[1] < 2) {
      throw new ShapeError(
        `${this.label}.nextTokenLoss`,
        `expected token ids [N, T + 1] with T >= 1, got ${fmtShape(tokens.shape)}`,
      );
    }
    const [n, t] = tokens.shape;
    return tidy(() =>
      crossEntropy(this.forward(slice(tokens, [0, 0], [n, t - 1])), slice(tokens, [0, 1], [n, t - 1])),
    );
  }

  /** Generates `length` token ids after `prime`, drawing each from softmax(logits / temperature). */
  async sample(options: SampleOptions): Promise<number[]> {
    const op = `${this.label}.sample`;
    const { prime, length } = options;
    const temperature = options.temperature ?? 1;
    const rng = options.rng ?? getDefaultRng();
    if (prime.length < 1) throw new ArgumentError(op, 'prime needs at least one token id');
    if (!Number.isInteger(length) || length < 0) {
      throw new ArgumentError(op, `length ${length} must be a non-negative integer`);
    }
    if (!(temperature > 0)) throw new ArgumentError(op, `temperature ${temperature} must be positive`);
    const v = this.vocabularySize;
    const out: number[] = [];
    let input = tensor(Int32Array.from(prime), [1, prime.length], 'int32');
    let states: LSTMState[] | undefined;
    try {
      for (let i = 0; i < length; i++) {
        const steps = input.shape[1];
        const next = noGrad(() =>
          tidy(() => {
            const r = this.run(input, states);
            const last = reshape(slice(r.logits, [0, steps - 1, 0], [1, 1, v]), [v]);
            return { probabilities: softmax(div(last, temperature)), states: r.states };
          }),
        );
        dispose([input, states ?? []]);
        states = next.states;
        const p = await next.probabilities.data();
        next.probabilities.dispose();
        const id = drawCategorical(p, rng.uniformValues(1)[0]);
        out.push(id);
        input = tensor(Int32Array.of(id), [1, 1], 'int32');
      }
    } finally {
      dispose([input, states ?? []]);
    }
    return out;
  }

  override describe(inputShape: Shape): LayerDescription {
    const { children, outputShape } = describeChain([this.embedding, ...this.lstms, this.head], inputShape);
    return combineDescriptions(this, inputShape, outputShape, children);
  }
}

/** The index whose cumulative probability first exceeds `u` (in [0, 1)); the last one for rounding. */
function drawCategorical(p: ArrayLike<number>, u: number): number {
  let total = 0;
  for (let i = 0; i < p.length; i++) total += p[i];
  let acc = 0;
  for (let i = 0; i < p.length; i++) {
    acc += p[i] / total;
    if (u < acc) return i;
  }
  return p.length - 1;
}
