/**
 * Layers run one after another. Children are named by position (`'0'`, `'1'`, …) or by the keys of an
 * object (`{ conv1, bn1, … }`), which become the prefixes of their parameters' names in `stateDict()`
 * (as in PyTorch's `nn.Sequential`, so checkpoints map name for name).
 */
import { identity, type Shape, type Tensor, tidy } from '@dendrite/core';
import { combineDescriptions, type LayerDescription, Module } from '../module/module.js';
import { ActivationLayer } from './activation-layer.js';
import { BatchNorm } from './batch-norm.js';
import { canFoldBatchNorm, convBatchNorm } from './conv-batch-norm.js';
import { Conv2D } from './conv2d.js';

export type LayerList = readonly Module[] | Readonly<Record<string, Module>>;

export class Sequential extends Module {
  private readonly sequence: Module[] = [];

  constructor(layers: LayerList = [], options: { readonly name?: string } = {}) {
    super('Sequential', options.name);
    const entries = Array.isArray(layers)
      ? layers.map((l, i) => [String(i), l] as const)
      : Object.entries(layers);
    for (const [name, layer] of entries) this.add(layer, name);
  }

  /** Appends a layer (named by its position unless a name is given). */
  add(layer: Module, name = String(this.sequence.length)): this {
    this.sequence.push(this.addChild(name, layer));
    return this;
  }

  get layers(): readonly Module[] {
    return this.sequence;
  }

  get length(): number {
    return this.sequence.length;
  }

  outputShape(inputShape: Shape): Shape {
    return this.sequence.reduce<Shape>((shape, layer) => layer.outputShape(shape), inputShape);
  }

  /** Only the shapes: the first layer decides which dtype it takes (Embedding: int32). */
  protected override checkInput(x: Tensor): void {
    this.outputShape(x.shape);
  }

  protected compute(x: Tensor): Tensor {
    if (this.sequence.length === 0) return identity(x);
    // Intermediate activations are freed as soon as the pass is done; autograd keeps what it needs.
    return tidy(() => {
      let h = x;
      for (let i = 0; i < this.sequence.length; i++) {
        const [layer, next, after] = [this.sequence[i], this.sequence[i + 1], this.sequence[i + 2]];
        // In inference, conv → batch norm (→ a fusable activation) runs as one folded convolution.
        if (layer instanceof Conv2D && next instanceof BatchNorm && canFoldBatchNorm(layer, next)) {
          const act =
            after instanceof ActivationLayer && !after.hasForwardHooks ? after.fusedActivation : null;
          h = convBatchNorm(layer, next, h, act ?? 'linear');
          i += act ? 2 : 1;
          continue;
        }
        h = layer.forward(h);
      }
      return h;
    });
  }

  override describe(inputShape: Shape): LayerDescription {
    const children: LayerDescription[] = [];
    let shape = inputShape;
    for (const layer of this.sequence) {
      const d = layer.describe(shape);
      children.push(d);
      shape = d.outputShape;
    }
    return combineDescriptions(this, inputShape, shape, children);
  }
}
