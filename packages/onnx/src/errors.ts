/**
 * The errors of @dendrite/onnx. Each is a core `DendriteError` (so `op` names where it happened) and says
 * what was found and what was expected.
 */
import { DendriteError } from '@dendrite/core';

/** The bytes are not a well-formed ONNX model (truncated, wrong wire types, sizes that do not add up…). */
export class OnnxDecodeError extends DendriteError {}

/** A well-formed model whose graph cannot run: a cycle, a missing initializer or input, absurd dims. */
export class OnnxGraphError extends DendriteError {}

/** An op, attribute or dtype Dendrite does not implement: names the node, the op and the opset. */
export class OnnxUnsupportedError extends DendriteError {
  constructor(
    readonly node: string,
    readonly opType: string,
    readonly opset: number,
    detail: string,
  ) {
    super(`onnx node '${node}' (${opType}, opset ${opset})`, detail);
  }
}

/** A module (or one of its settings) the exporter cannot write as ONNX. */
export class OnnxExportError extends DendriteError {}
