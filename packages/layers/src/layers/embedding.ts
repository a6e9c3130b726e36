/**
 * Embedding lookup: int32 indices of any shape -> their rows of a `[vocabulary, dim]` table. A gather, so
 * the table's gradient (a scatter-add) comes from core's autograd.
 */
import { checkIndexRange, DTypeError, gather, type Shape, type Tensor } from '@dendrite/core';
import { type InitializerSpec, initialize, normal } from '../initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { expectSize, fmtShape, type LayerOptions, rngOf } from './layer-options.js';

export interface EmbeddingOptions extends LayerOptions {
  /** Default N(0, 1), as PyTorch. */
  readonly initializer?: InitializerSpec;
}

export class Embedding extends Module {
  readonly embeddings: Parameter;

  constructor(
    readonly vocabularySize: number,
    readonly dim: number,
    options: EmbeddingOptions = {},
  ) {
    super('Embedding', options.name);
    expectSize(this.label, 'vocabularySize', vocabularySize);
    expectSize(this.label, 'dim', dim);
    this.embeddings = this.addParameter(
      'embeddings',
      initialize(options.initializer ?? normal(0, 1), [vocabularySize, dim], rngOf(options)),
    );
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape, this.dim];
  }

  /**
   * Indices must be int32 in [0, vocabularySize): others raise `IndexError` naming the layer and the
   * value — at the call on cpu/wasm, at the next read on asynchronous backends (core's checkIndexRange).
   */
  protected override checkInput(x: Tensor): void {
    if (x.dtype !== 'int32') {
      throw new DTypeError(this.label, `indices are ${x.dtype}${fmtShape(x.shape)}; expected int32`);
    }
    checkIndexRange(this.label, 'indices', x, this.vocabularySize);
  }

  protected compute(x: Tensor): Tensor {
    return gather(this.embeddings.value, x, 0);
  }
}
