/**
 * What a module converter works with: the graph being built, the value it receives (its Dendrite shape;
 * a rank-4 value is stored NCHW in the graph), and `convert` for its children.
 */
import type { Shape } from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import { OnnxExportError } from '../errors.js';
import type { GraphBuilder } from './graph-builder.js';

/** A value of the graph: its name and its shape in Dendrite's layout (NHWC for images). */
export interface GraphValue {
  readonly name: string;
  readonly shape: Shape;
}

/** Writes `module` applied to `x` into the graph and returns its output. */
export type ModuleConverter = (module: Module, x: GraphValue, ctx: ExportContext) => GraphValue;

export class ExportContext {
  constructor(
    readonly graph: GraphBuilder,
    private readonly converters: ReadonlyMap<string, ModuleConverter>,
  ) {}

  /** Converts a child module (dispatching on its `kind`). */
  convert(module: Module, x: GraphValue): GraphValue {
    const converter = this.converters.get(module.kind);
    if (!converter) {
      throw new OnnxExportError(
        `exportOnnx ${module.label}`,
        `no ONNX converter for modules of kind '${module.kind}'; known kinds: ${[...this.converters.keys()].join(', ')} (add one with registerOnnxConverter)`,
      );
    }
    const y = converter(module, x, this);
    const expected = module.outputShape(x.shape);
    if (expected.length !== y.shape.length || expected.some((d, i) => d !== y.shape[i])) {
      throw new OnnxExportError(
        `exportOnnx ${module.label}`,
        `converter produced shape [${y.shape.join(', ')}] but the module gives [${expected.join(', ')}]`,
      );
    }
    return y;
  }

  /** A weight name for `module`'s parameter. */
  base(module: Module, what: string): string {
    return `${module.name || module.kind.toLowerCase()}.${what}`;
  }
}
