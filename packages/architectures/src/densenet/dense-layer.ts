/**
 * One layer of a dense block (Huang et al. 2017): it computes `growthRate` new feature maps from all the
 * maps before it and appends them, `concat([x, f(x)])` on the channel axis (old channels first).
 * `f` is BN-ReLU-conv3x3, or with a bottleneck (DenseNet-B) BN-ReLU-conv1x1(bnSize·k)-BN-ReLU-conv3x3;
 * convolutions have no bias. Children are named as torchvision's (`norm1`, `conv1`, `norm2`, `conv2`).
 */
import { concat, relu, type Shape, ShapeError, type Tensor, tidy } from '@dendrite/core';
import {
  BatchNorm,
  Conv2D,
  combineDescriptions,
  Dropout,
  type LayerDescription,
  Module,
} from '@dendrite/layers';
import type { BuildOptions } from '../build-options.js';
import { describeChain, fmtShape } from '../chain.js';

export interface DenseLayerOptions extends BuildOptions {
  /** Width of the 1x1 bottleneck as a multiple of the growth rate (DenseNet-B: 4); 0 or absent: none. */
  readonly bottleneckWidth?: number;
  /** Dropout after each convolution (default 0). */
  readonly dropRate?: number;
}

export class DenseLayer extends Module {
  /** BN-ReLU-conv steps, in order (one or two). */
  private readonly steps: readonly (readonly [BatchNorm, Conv2D])[];
  private readonly dropout: Dropout | null;

  constructor(
    readonly inChannels: number,
    readonly growthRate: number,
    options: DenseLayerOptions = {},
  ) {
    super('DenseLayer', options.name);
    const rng = options.rng;
    const kernelInitializer = options.kernelInitializer ?? 'heNormal';
    const pad1 = {
      padding: [
        [1, 1],
        [1, 1],
      ] as const,
    };
    const width = (options.bottleneckWidth ?? 0) * growthRate;
    const steps: [BatchNorm, Conv2D][] = [];
    const addStep = (i: number, cin: number, cout: number, k: number, extra = {}) => {
      const norm = this.addChild(`norm${i}`, new BatchNorm(cin, { rng }));
      const conv = this.addChild(
        `conv${i}`,
        new Conv2D(cin, cout, k, { useBias: false, rng, kernelInitializer, ...extra }),
      );
      steps.push([norm, conv]);
    };
    if (width > 0) {
      addStep(1, inChannels, width, 1);
      addStep(2, width, growthRate, 3, pad1);
    } else {
      addStep(1, inChannels, growthRate, 3, pad1);
    }
    this.steps = steps;
    const rate = options.dropRate ?? 0;
    this.dropout = rate > 0 ? this.addChild('dropout', new Dropout(rate, { rng })) : null;
  }

  get outChannels(): number {
    return this.inChannels + this.growthRate;
  }

  private get chain(): Module[] {
    return this.steps.flat();
  }

  outputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 4) {
      throw new ShapeError(
        this.label,
        `expected input [N, H, W, ${this.inChannels}], got ${fmtShape(inputShape)}`,
      );
    }
    const [n, h, w] = this.chain.reduce<Shape>((s, m) => m.outputShape(s), inputShape);
    return [n, h, w, this.outChannels];
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => {
      let h = x;
      for (const [norm, conv] of this.steps) {
        h = conv.forward(relu(norm.forward(h)));
        if (this.dropout) h = this.dropout.forward(h);
      }
      return concat([x, h], -1);
    });
  }

  override describe(inputShape: Shape): LayerDescription {
    const { children } = describeChain(this.chain, inputShape);
    return combineDescriptions(this, inputShape, this.outputShape(inputShape), children);
  }
}
