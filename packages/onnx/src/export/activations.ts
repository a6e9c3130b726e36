/** Activations of layers as ONNX nodes (opset 17): by the registered name and parameters. */
import type { ActivationDescriptor } from '@dendrite/layers';
import { OnnxExportError } from '../errors.js';
import type { ExportContext, GraphValue } from './export-context.js';
import { attr } from './graph-builder.js';

/** The axis of a Dendrite-layout value as a position in the stored graph value (rank 4: NCHW). */
export function physicalAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 4 ? [0, 2, 3, 1][a] : a;
}

export function exportActivation(
  spec: ActivationDescriptor | null | 'custom',
  x: GraphValue,
  ctx: ExportContext,
  where: string,
): GraphValue {
  if (spec === null) return x;
  if (spec === 'custom') {
    throw new OnnxExportError(
      `exportOnnx ${where}`,
      'has an activation given as a function, which cannot be exported; use a registered name',
    );
  }
  const g = ctx.graph;
  const p = spec.params as Record<string, unknown>;
  const num = (k: string, d: number) => (typeof p[k] === 'number' ? (p[k] as number) : d);
  const out = (name: string): GraphValue => ({ name, shape: x.shape });
  const s = x.name;
  switch (spec.name) {
    case 'relu':
      return out(g.op('Relu', [s]));
    case 'sigmoid':
      return out(g.op('Sigmoid', [s]));
    case 'tanh':
      return out(g.op('Tanh', [s]));
    case 'relu6':
      return out(g.op('Clip', [s, g.floats('zero', [0], []), g.floats('six', [6], [])]));
    case 'leakyRelu':
      return out(g.op('LeakyRelu', [s], { alpha: attr.float(num('alpha', 0.01)) }));
    case 'elu':
      return out(g.op('Elu', [s], { alpha: attr.float(num('alpha', 1)) }));
    case 'selu':
      return out(g.op('Selu', [s]));
    case 'softsign':
      return out(g.op('Softsign', [s]));
    case 'hardSigmoid':
      return out(
        g.op('HardSigmoid', [s], {
          alpha: attr.float(num('alpha', 1 / 6)),
          beta: attr.float(num('beta', 0.5)),
        }),
      );
    case 'softplus': {
      const beta = num('beta', 1);
      if (beta === 1) return out(g.op('Softplus', [s]));
      const b = g.floats('beta', [beta], []);
      return out(g.op('Div', [g.op('Softplus', [g.op('Mul', [s, b])]), b]));
    }
    case 'silu':
    case 'swish':
      return out(g.op('Mul', [s, g.op('Sigmoid', [s])]));
    case 'gelu': {
      // opset 17 has no Gelu: 0.5·x·(1 + erf(x/√2)), or the tanh approximation.
      const half = g.op('Mul', [s, g.floats('half', [0.5], [])]);
      let inner: string;
      if (p.approximate === 'tanh') {
        const cube = g.op('Mul', [g.op('Mul', [s, s]), s]);
        const poly = g.op('Add', [s, g.op('Mul', [cube, g.floats('c', [0.044715], [])])]);
        inner = g.op('Tanh', [g.op('Mul', [poly, g.floats('k', [Math.sqrt(2 / Math.PI)], [])])]);
      } else {
        inner = g.op('Erf', [g.op('Mul', [s, g.floats('rsqrt2', [Math.SQRT1_2], [])])]);
      }
      return out(g.op('Mul', [half, g.op('Add', [inner, g.floats('one', [1], [])])]));
    }
    case 'softmax':
    case 'logSoftmax':
      return out(
        g.op(spec.name === 'softmax' ? 'Softmax' : 'LogSoftmax', [s], {
          axis: attr.int(physicalAxis(num('axis', -1), x.shape.length)),
        }),
      );
    case 'linear':
      return x;
    default:
      throw new OnnxExportError(`exportOnnx ${where}`, `activation '${spec.name}' has no ONNX form here`);
  }
}
